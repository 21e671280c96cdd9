import type { ResponseCache } from "../cache/response-cache.js";
import type { UnitLock } from "../lock/lock-schema.js";
import type { ChatResponse } from "../providers/types.js";
import { WRITE_FILE_TOOL } from "./assemble-prompt.js";
import type { UnitGeneration } from "./generate-with-chat.js";
import { normalize, type OutputGuard } from "./output-guard.js";
import { hashOutputs } from "./unit-inputs.js";
import { hashFiles } from "./unit-work.js";

/**
 * A unit's recorded files, rebuilt from the responses its lock entry names, in order: write_file
 * calls of chat rounds apply on top of each other, an agent round gives the whole set. This restores
 * a unit whose inputs did not change exactly as it was made, refinement rounds included, without
 * running its tests again. Undefined when a response is not cached or the result is not what the
 * lock records: the caller then regenerates.
 */
export async function replayUnit(
  entry: UnitLock,
  cache: ResponseCache,
  guard: OutputGuard,
  /** What the build does to every generated file before it is hashed (`--stamp`). */
  finish: (files: Map<string, string>) => Map<string, string> = (files) => files,
): Promise<UnitGeneration | undefined> {
  let files = new Map<string, string>();
  const usage = { input: 0, output: 0 };
  const refused: string[] = [];
  for (const key of entry.requests) {
    const hit = await cache.get<unknown, ChatResponse | { files: Record<string, string> }>(key);
    if (!hit) return undefined;
    const response = hit.response;
    if ("files" in response) {
      files = new Map();
      for (const [path, content] of Object.entries(response.files)) {
        const refusal = guard.check(path);
        if (refusal) refused.push(refusal);
        else files.set(path, content);
      }
      continue;
    }
    usage.input += response.usage.inputTokens;
    usage.output += response.usage.outputTokens;
    for (const call of response.toolCalls) {
      if (call.name !== WRITE_FILE_TOOL.name) continue;
      const { path, content } = (call.input ?? {}) as { path?: unknown; content?: unknown };
      if (typeof content !== "string") continue;
      const refusal = guard.check(path);
      if (refusal) refused.push(refusal);
      else files.set(normalize(path as string), content);
    }
  }
  files = finish(files);
  if (files.size === 0 || hashOutputs(hashFiles(files)) !== hashOutputs(entry.outputs)) return undefined;
  return {
    files,
    requests: [...entry.requests],
    usage,
    spent: { input: 0, output: 0 },
    refused,
    cached: entry.requests.length,
  };
}
