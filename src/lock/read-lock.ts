import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { LOCAL_STATE_DIR } from "../package/manifest-cache.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { stableStringify } from "../util/stable-json.js";
import { VERSION } from "../version.js";
import { LOCK_FILE } from "./lock-file.js";
import type { Lock } from "./lock-schema.js";

export { LOCK_FILE } from "./lock-file.js";

/** The lock of the package in `dir` and its exact text, or undefined when it was never built. */
export async function readLockFile(dir: string): Promise<{ lock: Lock; text: string } | undefined> {
  const path = join(dir, LOCK_FILE);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  // The schema check is skipped for a lock file this version already checked, recognised like
  // git's index recognises files: by size, mtime and inode.
  const markerPath = join(dir, LOCAL_STATE_DIR, LOCK_MARKER);
  const key = lockStatKey(path);
  let checked: string | undefined;
  try {
    checked = readFileSync(markerPath, "utf8");
  } catch {
    checked = undefined;
  }
  if (checked === key) {
    try {
      return { lock: JSON.parse(text) as Lock, text };
    } catch {
      // fall through to the full parse and its error message
    }
  }
  const { parseLock } = await import("./parse-lock.js");
  const lock = parseLock(text, path);
  await writeFileAtomic(markerPath, key).catch(() => {});
  return { lock, text };
}

/** Record that the lock in `dir` as it is now is valid: we just wrote it from a checked value. */
export async function markLockChecked(dir: string): Promise<void> {
  await writeFileAtomic(join(dir, LOCAL_STATE_DIR, LOCK_MARKER), lockStatKey(join(dir, LOCK_FILE))).catch(
    () => {},
  );
}

const LOCK_MARKER = "lock-checked";

function lockStatKey(path: string): string {
  const info = statSync(path);
  return `${VERSION} ${info.size} ${info.mtimeMs} ${info.ino}`;
}

/** The lock of the package in `dir`, or undefined when it was never built. */
export async function readLock(dir: string): Promise<Lock | undefined> {
  return (await readLockFile(dir))?.lock;
}

/** The lock as committed: sorted keys, two-space indent, trailing newline. */
export function serializeLock(lock: Lock): string {
  return `${stableStringify(lock, 2)}\n`;
}
