import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sha256 } from "../util/hash.js";

/**
 * Folder of the output store, relative to the package: every file a build wrote, by the sha256 the
 * lock records for it. Committed with the lock, so `specprompt diff` can show a hand edit against
 * what the build wrote in any clone.
 */
export const OBJECTS_DIR = ".specprompt/objects";

/** Where the output with this hash is kept: `<pkg>/.specprompt/objects/<h[0..2]>/<h>`. */
export function objectPath(pkgDir: string, hash: string): string {
  return join(pkgDir, OBJECTS_DIR, hash.slice(0, 2), hash);
}

/** The objects `contents` would add to the store: one per distinct content not stored yet. */
export function newObjects(pkgDir: string, contents: Iterable<string | null>): Map<string, string> {
  const objects = new Map<string, string>();
  for (const content of contents) {
    if (content === null) continue;
    const path = objectPath(pkgDir, sha256(content));
    if (!objects.has(path) && !existsSync(path)) objects.set(path, content);
  }
  return objects;
}

/** The stored output with this hash, or undefined when it is absent or does not match its name. */
export function readObject(pkgDir: string, hash: string): string | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(objectPath(pkgDir, hash));
  } catch {
    return undefined;
  }
  return sha256(bytes) === hash ? bytes.toString("utf8") : undefined;
}
