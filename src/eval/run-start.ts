/**
 * Where a run's results go: a new run folder, or with `--resume` the last interrupted run of the
 * package, whose finished results are read back (and a torn last line cut off) so only the
 * missing jobs run.
 */

import { isAlive } from "../build/build-lock.js";
import { SpecPromptError } from "../errors.js";
import {
  findLastRun,
  makeRunId,
  type RunFingerprint,
  type RunHeader,
  runDirOf,
  scanResults,
  trimResults,
  writeRunHeader,
} from "./results-store.js";
import { describeMismatch } from "./run-plan.js";
import type { ResultRecord } from "./run-types.js";

export interface StartRunOptions {
  pkgDir: string;
  resume: boolean;
  fingerprint: RunFingerprint;
  /** Epoch ms. */
  started: number;
  package: RunHeader["package"];
  baseline?: RunHeader["baseline"];
  total: number;
  /** Given each finished result of the resumed run; returns whether it counts (is in this plan). */
  onResumed(record: ResultRecord): boolean;
}

export interface StartedRun {
  runId: string;
  runDir: string;
  /** As written with status "running"; the caller rewrites it when the run ends. */
  header: RunHeader;
  /** Keys of the jobs the resumed run already finished. */
  done: Set<string>;
}

export async function startRun(options: StartRunOptions): Promise<StartedRun> {
  const done = new Set<string>();
  let runId = makeRunId(new Date(options.started));
  if (options.resume) {
    const last = findResumable(options.pkgDir);
    const mismatch = describeMismatch(last.header.fingerprint, options.fingerprint);
    if (mismatch) {
      throw new SpecPromptError("E_USAGE", `cannot resume run ${last.header.id}: ${mismatch}`, {
        hint: "run without --resume to start a new run",
      });
    }
    runId = last.header.id;
    const length = scanResults(last.dir, (record) => {
      if (!done.has(record.key) && options.onResumed(record)) done.add(record.key);
    });
    trimResults(last.dir, length);
  }
  const runDir = runDirOf(options.pkgDir, runId);
  const header: RunHeader = {
    format: 1,
    id: runId,
    status: "running",
    pid: process.pid,
    startedAt: new Date(options.started).toISOString(),
    package: options.package,
    ...(options.baseline && { baseline: options.baseline }),
    fingerprint: options.fingerprint,
    total: options.total,
  };
  await writeRunHeader(runDir, header);
  return { runId, runDir, header, done };
}

/** The last run of the package, if it can be continued. */
function findResumable(pkgDir: string): NonNullable<ReturnType<typeof findLastRun>> {
  const last = findLastRun(pkgDir);
  if (!last) {
    throw new SpecPromptError("E_USAGE", "nothing to resume: this package has no eval run yet", {
      hint: "run specprompt eval without --resume",
    });
  }
  const { id, status, pid } = last.header;
  if (status === "complete") {
    throw new SpecPromptError("E_USAGE", `nothing to resume: the last run (${id}) finished`, {
      hint: "run specprompt eval without --resume to start a new run",
    });
  }
  if (status === "running" && pid !== process.pid && isAlive(pid)) {
    throw new SpecPromptError("E_BUSY", `run ${id} is still running (process ${pid})`, {
      hint: "wait for it to finish, or stop it first",
    });
  }
  return last;
}
