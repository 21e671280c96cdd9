import { readFileSync, statSync } from "node:fs";
import { RACY_MS, type StatusIndex } from "./status-index.js";

/** The state of one tracked output, as status reports it. */
export interface TrackedState {
  path: string;
  unit: string;
  state: "clean" | "modified" | "missing";
}

const STATE_NAMES = { c: "clean", m: "modified", x: "missing" } as const;
const X = "x".charCodeAt(0);
const UNKNOWN = "?".charCodeAt(0);
const MAY_BE_MISSING = { throwIfNoEntry: false } as const;

/**
 * Compare every tracked output of the index with the disk, git-index style: a file whose size,
 * mtime and inode are as recorded keeps the state it had; any other is read, hashed and compared
 * with the lock's hash (`readLockHashes` is called once, then). Updates the index in place and
 * says whether it changed; `codes` has the state of each file (`c`, `m` or `x`, see
 * StatusIndex.states). Undefined when a file had to be hashed but the lock's hashes were not
 * available. `root` names the package folder (see statPrefix); `now` is when the run started: a
 * file modified within RACY_MS of it is hashed now and again next time, since it may still change
 * without its stat changing.
 */
export async function checkTrackedFiles(
  root: string,
  index: StatusIndex,
  readLockHashes: () => string | undefined,
  now: number,
): Promise<{ codes: string; changed: boolean } | undefined> {
  const { files, fileStats } = index;
  let lockHashes: string | undefined;
  const outRoot = root + index.outPrefix;
  const known = index.states;
  // Built only once a file differs from the index: the common status changes nothing.
  let codes: string[] | undefined;
  let saved: string[] | undefined;
  for (let i = 0; i < files.length; i++) {
    const info = statSync(outRoot + files[i], MAY_BE_MISSING);
    const code = known.charCodeAt(i);
    if (!info) {
      if (code === X) continue;
      codes ??= known.split("");
      saved ??= known.split("");
      codes[i] = saved[i] = "x";
      fileStats[3 * i] = fileStats[3 * i + 1] = fileStats[3 * i + 2] = -1;
    } else if (
      code === UNKNOWN ||
      code === X ||
      info.size !== fileStats[3 * i] ||
      info.mtimeMs !== fileStats[3 * i + 1] ||
      info.ino !== fileStats[3 * i + 2]
    ) {
      lockHashes ??= readLockHashes();
      if (lockHashes === undefined) return undefined;
      const state =
        (await hashFile(outRoot + files[i])) === lockHashes.slice(64 * i, 64 * i + 64) ? "c" : "m";
      codes ??= known.split("");
      saved ??= known.split("");
      codes[i] = state;
      saved[i] = info.mtimeMs < now - RACY_MS ? state : "?";
      fileStats[3 * i] = info.size;
      fileStats[3 * i + 1] = info.mtimeMs;
      fileStats[3 * i + 2] = info.ino;
    }
  }
  if (!codes || !saved) return { codes: known, changed: false };
  index.states = saved.join("");
  return { codes: codes.join(""), changed: true };
}

/** The tracked files of `index` with the states `codes` gives them (see checkTrackedFiles). */
export function trackedStates(index: StatusIndex, codes: string): TrackedState[] {
  const { files, units, fileUnits } = index;
  const states: TrackedState[] = new Array(files.length);
  for (let i = 0; i < files.length; i++)
    states[i] = {
      path: files[i]!,
      unit: units[fileUnits[i]!]!,
      state: STATE_NAMES[codes[i] as "c" | "m" | "x"],
    };
  return states;
}

let sha256: ((data: Uint8Array) => string) | undefined;

/** sha256 of a file's bytes; node:crypto is loaded on first use only (the common status hashes nothing). */
async function hashFile(path: string): Promise<string> {
  sha256 ??= (await import("../util/hash.js")).sha256;
  return sha256(readFileSync(path));
}
