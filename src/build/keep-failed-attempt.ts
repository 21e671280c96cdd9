import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { STATE_DIR } from "./build-context.js";

/** Folder, relative to the package, where a build that gave up leaves its last attempt. */
export function failedDir(buildId: string): string {
  return `${STATE_DIR}/failed/${buildId}`;
}

/** What a failed build leaves for inspection. */
export interface FailedAttempt {
  buildId: string;
  /** The files of the last attempt (relative to out); null entries are files it would delete. */
  writes: ReadonlyMap<string, string | null>;
  /** The failure report the model would have been sent next. */
  report: string;
  /** The validation command's captured output. */
  log: string;
  /** Anything else worth a look, written as summary.json. */
  summary: Record<string, unknown>;
}

/**
 * Keep the last attempt of a build that did not pass under `.specprompt/failed/<build-id>/`:
 * `files/` (the generated files as they were validated), `failures.md`, `validation.log` and
 * `summary.json`. Nothing outside that folder changes. Returns the folder, relative to the package.
 */
export async function keepFailedAttempt(pkgDir: string, attempt: FailedAttempt): Promise<string> {
  const relative = failedDir(attempt.buildId);
  const root = join(pkgDir, relative);
  await rm(root, { recursive: true, force: true });
  for (const [path, content] of attempt.writes) {
    if (content === null) continue;
    const target = join(root, "files", path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  await mkdir(root, { recursive: true });
  await writeFile(join(root, "failures.md"), attempt.report);
  await writeFile(join(root, "validation.log"), attempt.log);
  await writeFile(join(root, "summary.json"), `${JSON.stringify(attempt.summary, null, 2)}\n`);
  return relative;
}
