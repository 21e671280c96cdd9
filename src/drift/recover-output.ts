import { join } from "node:path";
import { WRITE_FILE_TOOL } from "../build/assemble-prompt.js";
import { normalize } from "../build/output-guard.js";
import { parseFencedFiles } from "../build/parse-fenced-files.js";
import { stampContent } from "../build/stamp.js";
import { readObject } from "../cache/object-store.js";
import { CACHE_DIR, createFileCache } from "../cache/response-cache.js";
import type { UnitLock } from "../lock/lock-schema.js";
import type { ChatResponse } from "../providers/types.js";
import { sha256 } from "../util/hash.js";

/** Where a recovered output came from. */
export type OutputSource = "objects" | "cache";

/**
 * What the build wrote at `path` (the content whose hash the lock records): from the output store
 * (`.specprompt/objects/`), or else replayed from the cached model responses of the unit's recorded
 * requests, as a build that kept no copies left them. Verified against the lock's hash; undefined
 * when neither has it.
 */
export async function recoverOutput(
  pkgDir: string,
  pkgName: string,
  unit: { name: string; entry: UnitLock },
  path: string,
): Promise<{ content: string; source: OutputSource } | undefined> {
  const hash = unit.entry.outputs[path];
  if (hash === undefined) return undefined;
  const stored = readObject(pkgDir, hash);
  if (stored !== undefined) return { content: stored, source: "objects" };
  const written = (await replayWrites(pkgDir, unit.entry)).get(path);
  if (written === undefined) return undefined;
  // `build --stamp` wrote the model's file with a header.
  for (const content of [written, stampContent(path, written, pkgName, unit.name)]) {
    if (sha256(content) === hash) return { content, source: "cache" };
  }
  return undefined;
}

/** The files a unit's recorded responses wrote, last write winning; empty when one is not cached. */
async function replayWrites(pkgDir: string, entry: UnitLock): Promise<Map<string, string>> {
  const cache = createFileCache(join(pkgDir, CACHE_DIR));
  let files = new Map<string, string>();
  let lastText = "";
  for (const key of entry.requests) {
    const hit = await cache.get<unknown, ChatResponse | { files: Record<string, string> }>(key);
    if (!hit) return new Map();
    const response = hit.response;
    if ("files" in response) {
      files = new Map(Object.entries(response.files)); // an agent round leaves the whole set
      continue;
    }
    lastText = response.text;
    for (const call of response.toolCalls) {
      const { path, content } = (call.input ?? {}) as { path?: unknown; content?: unknown };
      if (call.name === WRITE_FILE_TOOL.name && typeof path === "string" && typeof content === "string")
        files.set(normalize(path), content);
    }
  }
  // A model without tools sends fenced blocks; a build reads them from its last reply.
  if (files.size === 0)
    for (const file of parseFencedFiles(lastText)) files.set(normalize(file.path), file.content);
  return files;
}
