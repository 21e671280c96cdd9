import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { LoadedPackage, LoadedUnit } from "../package/types.js";
import type { AgentProvider, ChatProvider } from "../providers/types.js";
import { asList } from "../util/as-list.js";
import { assemblePrompt, type NeededFile } from "./assemble-prompt.js";
import { type BuildContext, scratchDir } from "./build-context.js";
import { generateWithAgent } from "./generate-with-agent.js";
import { generateWithChat, type UnitGeneration } from "./generate-with-chat.js";
import { createOutputGuard, protectedMatcher } from "./output-guard.js";

/** The files a finished unit has in this build: path → content (when known) and hash. */
export interface UnitFiles {
  hashes: Record<string, string>;
  /** Pending content for files this build wrote; absent for files already on disk. */
  contents?: ReadonlyMap<string, string>;
}

/** Generate one unit with its model: assemble the prompt, run the chat or agent driver. */
export async function generateUnit(
  ctx: BuildContext,
  unit: LoadedUnit,
  needed: ReadonlyMap<string, UnitFiles>,
  overlay: ReadonlyMap<string, string | null>,
): Promise<UnitGeneration> {
  const { pkg } = ctx;
  const neededFiles = await readNeededFiles(pkg.outDir, unit, needed);
  const isAgent = unit.model.startsWith("cmd:");
  const prompt = assemblePrompt(pkg, unit, neededFiles, isAgent ? "agent" : "chat");
  const guard = createOutputGuard({
    outDir: pkg.outDir,
    packageDir: pkg.dir,
    owns: unit.owns,
    tests: testGlobs(pkg),
    protectedPaths: pkg.protectedPaths,
  });
  if (isAgent) {
    return generateWithAgent({
      unit: unit.name,
      modelId: unit.model,
      owns: unit.owns,
      prompt,
      guard,
      cache: ctx.cache,
      offline: ctx.offline,
      getProvider: () => ctx.getProvider(unit.model) as Promise<AgentProvider>,
      outDir: pkg.outDir,
      overlay,
      protectedInOut: protectedMatcher(pkg.outDir, pkg.dir, pkg.protectedPaths),
      workDir: join(scratchDir(pkg.dir, ctx.buildId), `agent-${unit.name}`),
      timeoutMs: ctx.providerEnv.timeoutMs,
      signal: ctx.signal,
    });
  }
  return generateWithChat({
    unit: unit.name,
    modelId: unit.model,
    params: unit.modelParams,
    prompt,
    guard,
    cache: ctx.cache,
    offline: ctx.offline,
    getProvider: () => ctx.getProvider(unit.model) as Promise<ChatProvider>,
    signal: ctx.signal,
    onRequest: (event) =>
      ctx.report({ type: "unit-request", unit: unit.name, ...event, tokens: event.usage }),
  });
}

/** The current files of the units `unit` needs, pending content first, else from disk. */
export async function readNeededFiles(
  outDir: string,
  unit: LoadedUnit,
  needed: ReadonlyMap<string, UnitFiles>,
): Promise<NeededFile[]> {
  const files: NeededFile[] = [];
  for (const name of unit.needs) {
    const state = needed.get(name);
    if (!state) continue;
    for (const path of Object.keys(state.hashes).sort()) {
      const content = state.contents?.get(path) ?? readFileSync(join(outDir, path), "utf8");
      files.push({ unit: name, path, content });
    }
  }
  return files;
}

/** The manifest's validation test globs (relative to out): new files matching them are tests too. */
export function testGlobs(pkg: LoadedPackage): string[] {
  return asList(pkg.manifest.validation?.tests);
}
