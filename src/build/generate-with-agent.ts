import { lstat, readFile } from "node:fs/promises";
import { join } from "node:path";
import picomatch from "picomatch";
import { cacheKey, type ResponseCache } from "../cache/response-cache.js";
import { GateError, SpecPromptError } from "../errors.js";
import type { AgentProvider } from "../providers/types.js";
import { sha256 } from "../util/hash.js";
import type { AssembledPrompt } from "./assemble-prompt.js";
import type { UnitGeneration } from "./generate-with-chat.js";
import type { OutputGuard } from "./output-guard.js";
import { createWorkTree, listFiles, readFiles } from "./work-tree.js";

export interface AgentGenerationOptions {
  unit: string;
  modelId: string;
  owns: string[];
  prompt: AssembledPrompt;
  guard: OutputGuard;
  cache: ResponseCache;
  offline: boolean;
  getProvider: () => Promise<AgentProvider>;
  /** Absolute output root, and the changes earlier units of this build have pending. */
  outDir: string;
  overlay: ReadonlyMap<string, string | null>;
  /** Package files relative to out (lock, manifest, layers): never part of the cache key. */
  protectedInOut: (path: string) => boolean;
  /** Scratch folder for this unit's work tree. */
  workDir: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

interface AgentResponse {
  files: Record<string, string>;
}

/**
 * Run a coding-agent CLI in a copy of the output tree. What it leaves inside the unit's owned
 * paths is the output; anything it changes elsewhere is discarded and reported.
 */
export async function generateWithAgent(options: AgentGenerationOptions): Promise<UnitGeneration> {
  await createWorkTree(options.outDir, options.workDir, options.overlay);
  const before = await snapshot(options.workDir);
  const text = `${options.prompt.system}\n\n${options.prompt.user}`;
  const key = cacheKey({
    kind: "agent",
    model: options.modelId,
    prompt: text,
    // The lock and the layers change with every build; the layers are in the prompt already.
    tree: sha256(JSON.stringify([...before].filter(([path]) => !options.protectedInOut(path)))),
  });
  const result: UnitGeneration = {
    files: new Map(),
    requests: [key],
    usage: { input: 0, output: 0 },
    spent: { input: 0, output: 0 },
    refused: [],
    cached: 0,
  };

  const hit = await options.cache.get<unknown, AgentResponse>(key);
  let files: Record<string, string>;
  if (hit) {
    files = hit.response.files;
    result.cached = 1;
  } else {
    if (options.offline) {
      throw new SpecPromptError(
        "E_CACHE_MISS",
        `unit ${options.unit}: no cached agent run for this prompt and --offline is set`,
        {
          hint: `build without --offline to run ${options.modelId}`,
        },
      );
    }
    files = await runAgent(options, text, before, result);
    await options.cache.put({
      key,
      request: { provider: options.modelId, prompt: text },
      response: { files },
    });
  }
  for (const [path, content] of Object.entries(files)) {
    const refusal = options.guard.check(path);
    if (refusal) result.refused.push(refusal);
    else result.files.set(path, content);
  }
  if (result.files.size === 0) {
    throw new GateError(
      "E_MODEL_OUTPUT",
      `unit ${options.unit}: ${options.modelId} left no files in ${options.owns.join(", ")}`,
    );
  }
  return result;
}

async function runAgent(
  options: AgentGenerationOptions,
  text: string,
  before: Map<string, string>,
  result: UnitGeneration,
): Promise<Record<string, string>> {
  const agent = await options.getProvider();
  const run = await agent.run({
    prompt: text,
    cwd: options.workDir,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  });
  if (run.exitCode !== 0) {
    throw new GateError(
      "E_PROVIDER",
      `unit ${options.unit}: ${options.modelId} exited with code ${run.exitCode}`,
      {
        hint: (run.stderrTail || run.stdoutTail).trim().split("\n").slice(-5).join("\n  ") || undefined,
      },
    );
  }
  const owned = picomatch(options.owns, { dot: true });
  const after = await snapshot(options.workDir);
  const outputs: Record<string, string> = {};
  const ownedPaths = [...after.keys()].filter((path) => owned(path));
  const contents = await readFiles(options.workDir, ownedPaths);
  for (const path of ownedPaths) outputs[path] = contents.get(path)!;
  for (const [path, hash] of after) {
    if (!owned(path) && before.get(path) !== hash)
      result.refused.push(`${path} changed outside the unit's owned paths; discarded`);
  }
  for (const path of before.keys()) {
    if (!owned(path) && !after.has(path))
      result.refused.push(`${path} deleted outside the unit's owned paths; discarded`);
  }
  return outputs;
}

/** path → sha256 of every regular file in the tree; symlinks the agent made are not followed. */
async function snapshot(root: string): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for (const path of await listFiles(root)) {
    const full = join(root, path);
    if ((await lstat(full)).isSymbolicLink()) continue;
    map.set(path, sha256(await readFile(full)));
  }
  return map;
}
