import { readFileSync, statSync } from "node:fs";
import { localStateDir } from "../package/local-state.js";
import { VERSION } from "../version.js";
import { decodeStatusIndex, encodeStatusIndex } from "./status-index-file.js";
import type { StatusFacts } from "./status-types.js";

/**
 * The status index: git's index for `specprompt status`. It remembers the size, mtime and inode of
 * every file the last full status read (manifest, lock, layers, tests) and the mtimes of the folders
 * whose listing mattered, with the facts they gave (stale units, untracked files); and for every
 * tracked output, its stat and its state (clean or modified) at that stat. When the inputs did not
 * move, status stats the outputs and hashes only those whose stat changed, comparing them with the
 * lock's hashes, which are kept in a second file read only then.
 * Machine-local (inodes and mtimes mean nothing elsewhere): `status.index` (see status-index-file.ts)
 * and `status-hashes.json` in the package's local state folder (a target's own, for a package with
 * targets).
 */
export interface StatusIndex {
  format: number;
  key: string;
  manifestPath: string;
  /** The target it is the index of, for a package with `targets`. */
  target?: string;
  /** Folder `out` relative to the package folder, "" or ending in "/". */
  outPrefix: string;
  /** False when an input changed while it was being read: the facts must be recomputed. */
  factsTrusted: boolean;
  /** Package files relative to the package folder, and [size, mtimeMs, ino] of each. */
  inputs: string[];
  inputStats: Float64Array;
  /** Folders relative to the package folder ("" for itself), and the mtime of each. */
  dirs: string[];
  dirMtimes: Float64Array;
  facts: StatusFacts;
  /**
   * Tracked outputs relative to out, sorted (as the report lists them); the index of their unit in
   * `units`; [size, mtimeMs, ino].
   */
  files: string[];
  units: string[];
  fileUnits: number[];
  fileStats: Float64Array;
  /** Names the lock hashes file written with this index (see readLockHashes). */
  hashesId: string;
  /**
   * One character per file, for the stat recorded: `c` clean, `m` modified, `x` missing, `?` not
   * known (never read, or changed too recently to trust its stat).
   */
  states: string;
}

/** The index's file, in the package's (or target's) machine-local state folder (localStateDir). */
export const STATUS_INDEX_FILE = "status.index";

/** The lock's hash of every tracked file, 64 hex characters each in index order, with the index's `hashesId`. */
const LOCK_HASHES_FILE = "status-hashes.json";

/**
 * A file modified within this long of the moment it was read may change again without its stat
 * changing (file systems keep mtimes in ticks of up to 2 s), so it is not trusted next time.
 */
export const RACY_MS = 2000;

/** Bumped when the index's meaning changes, so older indexes are ignored. */
export const STATUS_INDEX_FORMAT = 2;

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

/**
 * The index of the package in `pkgDir` (of its `target`, for a package with targets), or undefined
 * when there is none, it is for another package, or it is damaged (a truncated write, an edit).
 */
export function readStatusIndex(
  pkgDir: string,
  manifestPath: string,
  target?: string,
): StatusIndex | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(`${localStateDir(pkgDir, target)}/${STATUS_INDEX_FILE}`);
  } catch {
    return undefined;
  }
  const index = decodeStatusIndex(bytes);
  return index?.format === STATUS_INDEX_FORMAT &&
    index.manifestPath === manifestPath &&
    index.target === target
    ? index
    : undefined;
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
    const saved = JSON.parse(
      readFileSync(`${localStateDir(pkgDir, index.target)}/${LOCK_HASHES_FILE}`, "utf8"),
    ) as {
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
  const dir = localStateDir(pkgDir, index.target);
  try {
    if (lockHashes !== undefined)
      await writeFileAtomic(`${dir}/${LOCK_HASHES_FILE}`, JSON.stringify({ id: index.hashesId, lockHashes }));
    await writeFileAtomic(`${dir}/${STATUS_INDEX_FILE}`, encodeStatusIndex(index));
  } catch {
    // a read-only package still has a status
  }
}
