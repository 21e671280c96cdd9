import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { newObjects } from "../cache/object-store.js";
import { GateError } from "../errors.js";
import type { Lock, LockFile } from "../lock/lock-schema.js";
import {
  LOCK_FILE,
  markLockChecked,
  rememberLock,
  serializeLock,
  withTargetLock,
} from "../lock/read-lock.js";
import { applyFileTransaction, type FileChange } from "../util/file-transaction.js";
import { sha256 } from "../util/hash.js";
import { stagingDir } from "./build-context.js";

/** Paths whose file on disk differs from what the lock says the build wrote: hand edits. */
export function findHandEdits(outDir: string, recorded: Record<string, string>): string[] {
  const edited: string[] = [];
  for (const [path, hash] of Object.entries(recorded)) {
    const full = join(outDir, path);
    if (existsSync(full) && sha256(readFileSync(full)) !== hash) edited.push(path);
  }
  return edited.sort();
}

/** Refuse to overwrite or delete work that is not ours unless `force`: a build never loses it. */
export function assertNothingLost(paths: string[], force: boolean, what: string): void {
  if (paths.length === 0 || force) return;
  throw new GateError("E_DRIFT", `${what}: ${paths.join(", ")}`, {
    hint: "move what they hold into the package (or out of the owned paths), or pass --force to overwrite them",
  });
}

/** Files a build would write over that no build of this package ever wrote. */
export function findForeignFiles(
  outDir: string,
  writes: ReadonlyMap<string, string | null>,
  known: Set<string>,
): string[] {
  const foreign: string[] = [];
  for (const [path, content] of writes) {
    if (content === null || known.has(path)) continue;
    const full = join(outDir, path);
    if (existsSync(full) && readFileSync(full, "utf8") !== content) foreign.push(path);
  }
  return foreign.sort();
}

/** Write the outputs, the lock and the stored copies of the outputs in one transaction: all of it lands, or none of it. */
export async function commitBuild(options: {
  pkgDir: string;
  outDir: string;
  buildId: string;
  writes: ReadonlyMap<string, string | null>;
  lock: Lock;
  previousLockText: string | undefined;
  /** For a package with targets: the target this lock is the section of, and every target there is. */
  target?: string;
  targets?: readonly string[];
}): Promise<{ files: number; lockWritten: boolean }> {
  const changes: FileChange[] = [];
  for (const [path, content] of options.writes) {
    const full = join(options.outDir, path);
    if (content === null) {
      if (existsSync(full)) changes.push({ path: full, content: null });
    } else if (!existsSync(full) || readFileSync(full, "utf8") !== content) {
      changes.push({ path: full, content });
    }
  }
  const files = changes.length;
  const { lockText, previousText, lockFile } = lockTexts(options);
  const lockWritten = lockText !== previousText;
  if (lockWritten) changes.push({ path: join(options.pkgDir, LOCK_FILE), content: lockText });
  // What the build wrote is kept by hash beside the lock, so a hand edit can be shown as a diff.
  for (const [path, content] of newObjects(options.pkgDir, options.writes.values()))
    changes.push({ path, content });
  if (changes.length > 0)
    await applyFileTransaction(join(stagingDir(options.pkgDir), options.buildId), changes);
  if (lockWritten) {
    await markLockChecked(options.pkgDir);
    rememberLock(join(options.pkgDir, LOCK_FILE), lockFile, lockText);
  }
  return { files, lockWritten };
}

/** The lock file's text after this build, and before it (for a target: the whole file, other targets kept). */
function lockTexts(options: {
  pkgDir: string;
  lock: Lock;
  previousLockText: string | undefined;
  target?: string;
  targets?: readonly string[];
}): { lockText: string; previousText: string | undefined; lockFile: LockFile } {
  if (options.target === undefined) {
    return {
      lockText: serializeLock(options.lock),
      previousText: options.previousLockText,
      lockFile: options.lock,
    };
  }
  // The build lock is held, so the file read now is the one this commit replaces.
  let previousText: string | undefined;
  let file: LockFile | undefined;
  try {
    previousText = readFileSync(join(options.pkgDir, LOCK_FILE), "utf8");
    file = JSON.parse(previousText) as LockFile;
  } catch {
    file = undefined; // no lock yet, or one this build replaces entirely
  }
  const merged = withTargetLock(file, options.target, options.targets ?? [options.target], options.lock);
  return { lockText: serializeLock(merged), previousText, lockFile: merged };
}
