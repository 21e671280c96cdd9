import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { LOCAL_STATE_DIR } from "../package/manifest-cache.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { stableStringify } from "../util/stable-json.js";
import { fileStamp, sharesLocks } from "../util/warm-process.js";
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
  const known = rememberedLock(path);
  if (known) return known;
  // Stamped before reading: what is remembered must be the text that stamp belongs to.
  const stamp = sharesLocks() ? fileStamp(statSync(path, { throwIfNoEntry: false })) : undefined;
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
      const file = JSON.parse(text) as LockFile;
      rememberLock(path, file, text, stamp);
      return { file, text };
    } catch {
      // fall through to the full parse and its error message
    }
  }
  const { parseLock } = await import("./parse-lock.js");
  const file = parseLock(text, path);
  await writeFileAtomic(markerPath, key).catch(() => {});
  rememberLock(path, file, text, stamp);
  return { file, text };
}

/**
 * In a warm process, the lock last read or written in each package, kept while the file's stat
 * is unchanged: a build reads back the lock it wrote without parsing a megabyte of JSON again.
 * Nothing changes a lock object once read (updates make new objects), so it is shared as is.
 */
const rememberedLocks = new Map<string, { stamp: string; file: LockFile; text: string }>();

function rememberedLock(path: string): { file: LockFile; text: string } | undefined {
  if (!sharesLocks()) return undefined;
  const entry = rememberedLocks.get(path);
  return entry && entry.stamp === fileStamp(statSync(path, { throwIfNoEntry: false })) ? entry : undefined;
}

/**
 * Keep `file` (whose text is `text`) as the lock now at `path`, in a process that shares locks;
 * `readStamp` is the file's stamp from before it was read, and nothing is kept if it moved since.
 */
export function rememberLock(path: string, file: LockFile, text: string, readStamp?: string): void {
  if (!sharesLocks()) return;
  const stamp = fileStamp(statSync(path, { throwIfNoEntry: false }));
  if (stamp === undefined || (readStamp !== undefined && readStamp !== stamp)) rememberedLocks.delete(path);
  else rememberedLocks.set(path, { stamp, file, text });
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
  // A lock is read from disk (in order) and updated in a few places: put those in order and let
  // the engine's own JSON.stringify write it, which is several times faster than calling back per
  // value. The rare lock it cannot order that way is written by the sorting stringify.
  const ordered = inKeyOrder(lock);
  return `${ordered === UNORDERABLE ? stableStringify(lock, 2) : JSON.stringify(ordered, null, 2)}\n`;
}

const UNORDERABLE = Symbol("unorderable");
const INDEX_LIKE = /^(0|[1-9]\d{0,8})$/;

/**
 * `value` with the keys of every object in stableStringify's order: the same object where it is
 * already, copies only where it is not. UNORDERABLE when the engine would not keep that order
 * (keys that look like array indexes always come first) or a value has its own toJSON.
 */
function inKeyOrder(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return UNORDERABLE;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = inKeyOrder(value[i]);
      if (item === UNORDERABLE) return UNORDERABLE;
      if (item === value[i]) continue;
      copy ??= [...value];
      copy[i] = item;
    }
    return copy ?? value;
  }
  // One pass that allocates nothing while everything is in order, which is nearly always.
  const record = value as Record<string, unknown>;
  let previous: string | undefined;
  let sorted = true;
  let changed: Map<string, unknown> | undefined;
  for (const key in record) {
    if (previous !== undefined && previous > key) sorted = false;
    previous = key;
    const child = record[key];
    if (child === null || typeof child !== "object") continue;
    const item = inKeyOrder(child);
    if (item === UNORDERABLE) return UNORDERABLE;
    if (item === child) continue;
    changed ??= new Map();
    changed.set(key, item);
  }
  if (sorted && !changed) return value;
  const keys = Object.keys(record);
  if (!sorted && keys.some((key) => INDEX_LIKE.test(key))) return UNORDERABLE;
  if (!sorted) keys.sort();
  const copy: Record<string, unknown> = {};
  for (const key of keys) copy[key] = changed?.has(key) ? changed.get(key) : record[key];
  return copy;
}
