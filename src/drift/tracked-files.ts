import { readFileSync, statSync } from "node:fs";
import { RACY_MS, type StatusIndex } from "./status-index.js";

/** The state of one tracked output, as status reports it. */
export interface TrackedState {
  path: string;
  unit: string;
  state: "clean" | "modified" | "missing";
}

const STATE_NAMES = { c: "clean", m: "modified", x: "missing" } as const;
const MAY_BE_MISSING = { throwIfNoEntry: false } as const;

/**
 * Compare every tracked output of the index with the disk, git-index style: a file whose size,
 * mtime and inode are as recorded keeps the state it had; any other is read, hashed and compared
 * with the lock's hash (`readLockHashes` is called once, then). Updates the index in place and
 * says whether it changed; undefined when a file had to be hashed but the lock's hashes were not
 * available. `root` names the package folder (see statPrefix); `now` is when the run started: a
 * file modified within RACY_MS of it is hashed now and again next time, since it may still change
 * without its stat changing.
 */
export async function checkTrackedFiles(
  root: string,
  index: StatusIndex,
  readLockHashes: () => string | undefined,
  now: number,
): Promise<{ states: TrackedState[]; changed: boolean } | undefined> {
  const { files, units, fileUnits, fileStats } = index;
  let lockHashes: string | undefined;
  const outRoot = root + index.outPrefix;
  const codes = index.states.split("");
  const states: TrackedState[] = new Array(files.length);
  let changed = false;
  for (let i = 0; i < files.length; i++) {
    const path = files[i]!;
    const info = statSync(outRoot + path, MAY_BE_MISSING);
    let code = codes[i]!;
    if (!info) {
      if (code !== "x") {
        code = codes[i] = "x";
        fileStats[3 * i] = fileStats[3 * i + 1] = fileStats[3 * i + 2] = -1;
        changed = true;
      }
    } else if (
      code === "?" ||
      code === "x" ||
      info.size !== fileStats[3 * i] ||
      info.mtimeMs !== fileStats[3 * i + 1] ||
      info.ino !== fileStats[3 * i + 2]
    ) {
      lockHashes ??= readLockHashes();
      if (lockHashes === undefined) return undefined;
      const hash = await hashFile(outRoot + path);
      code = hash === lockHashes.slice(64 * i, 64 * i + 64) ? "c" : "m";
      codes[i] = info.mtimeMs < now - RACY_MS ? code : "?";
      fileStats[3 * i] = info.size;
      fileStats[3 * i + 1] = info.mtimeMs;
      fileStats[3 * i + 2] = info.ino;
      changed = true;
    }
    states[i] = { path, unit: units[fileUnits[i]!]!, state: STATE_NAMES[code as "c" | "m" | "x"] };
  }
  if (changed) index.states = codes.join("");
  return { states, changed };
}

let sha256: ((data: Uint8Array) => string) | undefined;

/** sha256 of a file's bytes; node:crypto is loaded on first use only (the common status hashes nothing). */
async function hashFile(path: string): Promise<string> {
  sha256 ??= (await import("../util/hash.js")).sha256;
  return sha256(readFileSync(path));
}
