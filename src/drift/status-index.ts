import { readFileSync, statSync } from "node:fs";
import { VERSION } from "../version.js";
import type { StatusFacts } from "./status-types.js";

/**
 * The status index: git's index for `specprompt status`. It remembers the size, mtime and inode of
 * every file the last full status read (manifest, lock, layers, tests) and the mtimes of the folders
 * whose listing mattered, with the facts they gave (stale units, untracked files); and for every
 * tracked output, its stat and its state (clean or modified) at that stat. When the inputs did not
 * move, status stats the outputs and hashes only those whose stat changed, comparing them with the
 * lock's hashes, which are kept in a second file read only then.
 * Machine-local (inodes and mtimes mean nothing elsewhere): `.specprompt/local/status.json` and
 * `status-hashes.json`. Kept in flat arrays: it is read on every status of packages with 10,000 files.
 */
export interface StatusIndex {
  format: number;
  key: string;
  manifestPath: string;
  /** Folder `out` relative to the package folder, "" or ending in "/". */
  outPrefix: string;
  /** False when an input changed while it was being read: the facts must be recomputed. */
  factsTrusted: boolean;
  /** Package files relative to the package folder, and [size, mtimeMs, ino] of each. */
  inputs: string[];
  inputStats: number[];
  /** Folders relative to the package folder ("" for itself), and the mtime of each. */
  dirs: string[];
  dirMtimes: number[];
  facts: StatusFacts;
  /** Tracked outputs relative to out; the index of their unit in `units`; [size, mtimeMs, ino]. */
  files: string[];
  units: string[];
  fileUnits: number[];
  fileStats: number[];
  /** Names the lock hashes file written with this index (see readLockHashes). */
  hashesId: string;
  /**
   * One character per file, for the stat recorded: `c` clean, `m` modified, `x` missing, `?` not
   * known (never read, or changed too recently to trust its stat).
   */
  states: string;
}

/** Where the index lives, under the package's machine-local state folder (LOCAL_STATE_DIR). */
export const STATUS_INDEX_PATH = ".specprompt/local/status.json";

/** The lock's hash of every tracked file, 64 hex characters each in index order, with the index's `hashesId`. */
const LOCK_HASHES_PATH = ".specprompt/local/status-hashes.json";

/**
 * A file modified within this long of the moment it was read may change again without its stat
 * changing (file systems keep mtimes in ticks of up to 2 s), so it is not trusted next time.
 */
export const RACY_MS = 2000;

/** Bumped when the index's meaning changes, so older indexes are ignored. */
export const STATUS_INDEX_FORMAT = 1;

/** Everything besides files that decides a status: tool version and the package overrides. */
export function statusKey(options: {
  set?: Record<string, string>;
  model?: string;
  env: Record<string, string | undefined>;
}): string {
  return JSON.stringify([
    STATUS_INDEX_FORMAT,
    VERSION,
    options.set ?? {},
    options.model ?? null,
    options.env.SPECPROMPT_MODEL ?? null,
  ]);
}

/** The index of the package in `pkgDir`, or undefined when there is none or it is for another package. */
export function readStatusIndex(pkgDir: string, manifestPath: string): StatusIndex | undefined {
  let index: StatusIndex;
  try {
    index = JSON.parse(readFileSync(`${pkgDir}/${STATUS_INDEX_PATH}`, "utf8")) as StatusIndex;
  } catch {
    return undefined;
  }
  return index?.format === STATUS_INDEX_FORMAT && index.manifestPath === manifestPath && isConsistent(index)
    ? index
    : undefined;
}

/** A damaged index (a truncated write, an edit) is ignored rather than trusted. */
function isConsistent(index: StatusIndex): boolean {
  const { inputs, inputStats, dirs, dirMtimes, files, units, fileUnits, fileStats, states } = index;
  return (
    Array.isArray(inputs) &&
    Array.isArray(inputStats) &&
    inputStats.length === 3 * inputs.length &&
    Array.isArray(dirs) &&
    Array.isArray(dirMtimes) &&
    dirMtimes.length === dirs.length &&
    Array.isArray(files) &&
    Array.isArray(units) &&
    Array.isArray(fileUnits) &&
    fileUnits.length === files.length &&
    Array.isArray(fileStats) &&
    fileStats.length === 3 * files.length &&
    typeof index.hashesId === "string" &&
    typeof states === "string" &&
    states.length === files.length &&
    typeof index.facts === "object" &&
    index.facts !== null &&
    typeof index.outPrefix === "string"
  );
}

const MAY_BE_MISSING = { throwIfNoEntry: false } as const;

/**
 * Whether the facts of the index hold for `key`: no input or listed folder changed since.
 * `root` names the package folder ("" when it is the working folder; see statPrefix).
 */
export function factsStillHold(root: string, index: StatusIndex, key: string): boolean {
  if (!index.factsTrusted || index.key !== key) return false;
  const { inputs, inputStats, dirs, dirMtimes } = index;
  for (let i = 0; i < inputs.length; i++) {
    const info = statSync(root + inputs[i], MAY_BE_MISSING);
    if (
      !info ||
      info.size !== inputStats[3 * i] ||
      info.mtimeMs !== inputStats[3 * i + 1] ||
      info.ino !== inputStats[3 * i + 2]
    )
      return false;
  }
  for (let i = 0; i < dirs.length; i++) {
    if (statSync(root + (dirs[i] || "."), MAY_BE_MISSING)?.mtimeMs !== dirMtimes[i]) return false;
  }
  return true;
}

/** The lock hashes written with `index`, or undefined when that file is missing or belongs to another index. */
export function readLockHashes(pkgDir: string, index: StatusIndex): string | undefined {
  try {
    const saved = JSON.parse(readFileSync(`${pkgDir}/${LOCK_HASHES_PATH}`, "utf8")) as {
      id?: unknown;
      lockHashes?: unknown;
    };
    const { lockHashes } = saved;
    return saved.id === index.hashesId &&
      typeof lockHashes === "string" &&
      lockHashes.length === 64 * index.files.length
      ? lockHashes
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Save the index, and the lock hashes when they changed (a new `hashesId` names them); best
 * effort, since it only makes the next status faster.
 */
export async function writeStatusIndex(
  pkgDir: string,
  index: StatusIndex,
  lockHashes?: string,
): Promise<void> {
  // Loaded here: the common status, with nothing changed, writes nothing and needs no node:crypto.
  const { writeFileAtomic } = await import("../util/atomic-write.js");
  try {
    if (lockHashes !== undefined)
      await writeFileAtomic(
        `${pkgDir}/${LOCK_HASHES_PATH}`,
        JSON.stringify({ id: index.hashesId, lockHashes }),
      );
    await writeFileAtomic(`${pkgDir}/${STATUS_INDEX_PATH}`, JSON.stringify(index));
  } catch {
    // a read-only package still has a status
  }
}
