import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { SpecPromptError } from "../errors.js";
import { STATE_DIR } from "./build-context.js";

/** Held while a build of a package runs; released by calling it. */
export type ReleaseBuildLock = () => void;

/**
 * Make sure only one build of a package runs at a time: two would race on the lock file, and the
 * second one's crash recovery would roll back the first one's commit. A lock left by a killed
 * process (its pid is gone) is taken over.
 */
export function acquireBuildLock(pkgDir: string): ReleaseBuildLock {
  const path = join(pkgDir, STATE_DIR, "local", "build.pid");
  return claimPidFile(
    path,
    (owner) =>
      new SpecPromptError("E_BUSY", `another build of this package is running (pid ${owner})`, {
        hint: `wait for it to finish; if that process is gone, delete ${path}`,
      }),
  );
}

/**
 * Create `path` holding this process's id, exclusively (O_EXCL); a file whose process is gone is
 * taken over, one whose process runs is `busy(pid)`. Returns what removes it.
 */
export function claimPidFile(path: string, busy: (owner: number) => Error): () => void {
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: "wx" });
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = Number(readFileSync(path, "utf8").trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) throw busy(owner);
    rmSync(path, { force: true });
  }
  throw new SpecPromptError("E_BUSY", `could not take ${path}`, { hint: `delete ${path} and retry` });
}

/** Whether a process with this id exists (EPERM: it does, but belongs to someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
