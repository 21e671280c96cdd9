import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic-write.js";
import { sha256 } from "../util/hash.js";
import { VERSION } from "../version.js";
import { LOCAL_STATE_DIR } from "./local-state.js";
import type { Manifest } from "./manifest-schema.js";
import type { ReadManifestResult } from "./read-manifest.js";

// In a module of their own so that the fast paths of bin/specprompt.js can name the folder without
// loading this one's imports (node:crypto costs 5 ms to load on Node 24).
export { LOCAL_STATE_DIR, localStateDir } from "./local-state.js";

interface CachedManifest {
  key: string;
  manifest: Manifest;
  warnings: string[];
}

/**
 * Read the manifest, reusing the checked result of the last run when the text is unchanged.
 * Parsing YAML with positions and checking it with zod costs more than everything else a no-op
 * build does, so they are loaded only on a miss. A hit has no positions (`locate` returns
 * undefined); callers that need them for an error message use `readManifestChecked`.
 */
export async function readManifestCached(
  path: string,
  dir: string,
  displayPath: string,
): Promise<ReadManifestResult> {
  // Synchronous on purpose: nothing else can run until the manifest is known.
  const text = readOrUndefined(path);
  const cachePath = join(dir, LOCAL_STATE_DIR, "manifest.json");
  if (text !== undefined) {
    const key = sha256(`${VERSION}\0${displayPath}\0${text}`);
    const cached = parseOrUndefined(readOrUndefined(cachePath));
    if (cached?.key === key)
      return { manifest: cached.manifest, warnings: cached.warnings, locate: () => undefined };
    const result = await readManifestChecked(path, displayPath);
    const entry: CachedManifest = { key, manifest: result.manifest, warnings: result.warnings };
    await writeFileAtomic(cachePath, JSON.stringify(entry)).catch(() => {}); // a read-only tree still builds
    return result;
  }
  return readManifestChecked(path, displayPath);
}

/** The full read: YAML with positions, schema and cross-field checks. */
export async function readManifestChecked(path: string, displayPath: string): Promise<ReadManifestResult> {
  const { readManifest } = await import("./read-manifest.js");
  return readManifest(path, displayPath);
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function parseOrUndefined(text: string | undefined): CachedManifest | undefined {
  try {
    return text === undefined ? undefined : (JSON.parse(text) as CachedManifest);
  } catch {
    return undefined;
  }
}
