import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { LOCAL_STATE_DIR } from "../package/manifest-cache.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { stableStringify } from "../util/stable-json.js";
import { VERSION } from "../version.js";
import { LOCK_FILE } from "./lock-file.js";
import type { Lock, LockFile, TargetsLock } from "./lock-schema.js";

export { LOCK_FILE } from "./lock-file.js";

/**
 * The lock of the package in `dir` (the section of `target`, for a package with targets) and the
 * file's exact text, or undefined when it was never built (or that target never was).
 */
export async function readLockFile(
  dir: string,
  target?: string,
): Promise<{ lock: Lock; text: string } | undefined> {
  const read = await readWholeLock(dir);
  if (!read) return undefined;
  const lock = lockView(read.file, target);
  return lock && { lock, text: read.text };
}

/** specprompt.lock as it is on disk, checked, with its text; undefined when there is none. */
export async function readWholeLock(dir: string): Promise<{ file: LockFile; text: string } | undefined> {
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
      return { file: JSON.parse(text) as LockFile, text };
    } catch {
      // fall through to the full parse and its error message
    }
  }
  const { parseLock } = await import("./parse-lock.js");
  const file = parseLock(text, path);
  await writeFileAtomic(markerPath, key).catch(() => {});
  return { file, text };
}

/**
 * One target's lock, shaped like the lock of a package without targets (package fields and the
 * target's section); the whole file for `target` undefined. Undefined when the file holds no
 * such lock: a target never built, or a file written before `targets` was added or removed.
 */
export function lockView(file: LockFile, target: string | undefined): Lock | undefined {
  if (!("targets" in file)) return target === undefined ? file : undefined;
  if (target === undefined) return undefined;
  const section = file.targets[target];
  if (!section) return undefined;
  const { targets: _, ...shared } = file;
  return { ...shared, ...section };
}

/**
 * The whole file once `lock` (the lock of `target`) replaces that target's section in `file`:
 * the package fields come from `lock`, and sections of targets not in `targets` are dropped.
 */
export function withTargetLock(
  file: LockFile | undefined,
  target: string,
  targets: readonly string[],
  lock: Lock,
): TargetsLock {
  const { params, build, units, imports, ...shared } = lock;
  const sections = file && "targets" in file ? file.targets : {};
  const kept = Object.fromEntries(
    Object.entries(sections).filter(([name]) => name !== target && targets.includes(name)),
  );
  return { ...shared, targets: { ...kept, [target]: { params, build, units, ...(imports && { imports }) } } };
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
export async function readLock(dir: string, target?: string): Promise<Lock | undefined> {
  return (await readLockFile(dir, target))?.lock;
}

/** The lock as committed: sorted keys, two-space indent, trailing newline. */
export function serializeLock(lock: LockFile): string {
  // A lock read from disk and updated is almost always in order already; then the engine's own
  // JSON.stringify writes the same text as the sorting one, without calling back per value.
  return `${keysInOrder(lock) ? JSON.stringify(lock, null, 2) : stableStringify(lock, 2)}\n`;
}

/** Whether every object below `value` has its keys in the order stableStringify writes them. */
function keysInOrder(value: unknown): boolean {
  if (value === null || typeof value !== "object") return true;
  if (Array.isArray(value)) return value.every(keysInOrder);
  let previous: string | undefined;
  for (const key in value) {
    if (previous !== undefined && previous > key) return false;
    previous = key;
    if (!keysInOrder((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}
