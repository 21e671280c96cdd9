import { readFileSync } from "node:fs";
import { FILE_HEADERS_ONLY, formatPatch, type StructuredPatchHunk, structuredPatch } from "diff";
import type { PackageArgs } from "../build/build-types.js";
import { UsageError } from "../errors.js";
import { lockedUnit } from "../lock/locked-unit.js";
import { readLockFile } from "../lock/read-lock.js";
import { isSelected, toOutPath } from "./out-path.js";
import { readStatus } from "./read-status.js";
import { type OutputSource, recoverOutput } from "./recover-output.js";

/** One hand-edited (or deleted) generated file, as a diff against what the build wrote. */
export interface FileDiff {
  /** Relative to out, as in the lock. */
  path: string;
  unit: string;
  state: "modified" | "missing";
  /** The build that wrote the file. */
  buildId: string;
  /** Where what the build wrote was found; absent with `error`. */
  source?: OutputSource;
  hunks: StructuredPatchHunk[];
  /** The unified diff: `--- a/<path>` is what the build wrote, `+++ b/<path>` the file now. */
  patch: string;
  /** Why the build's content could not be reconstructed. */
  error?: string;
}

export interface DiffReport {
  package: { name: string; version: string; dir: string };
  /** The target, for a package with targets. */
  target?: string;
  outDir: string;
  files: FileDiff[];
}

/**
 * The hand edits of a package's generated files as unified diffs against what the build wrote
 * (from `.specprompt/objects/`, else replayed from the response cache). `paths` (files or folders,
 * relative to cwd) narrow it down; each must name generated files.
 */
export async function diffHandEdits(args: PackageArgs & { paths?: string[] }): Promise<DiffReport> {
  const status = await readStatus(args);
  const selected = (args.paths ?? []).map((typed) => ({
    typed,
    path: toOutPath(args.cwd, status.outDir, typed),
  }));
  const generated = status.files.filter((file) => file.unit !== undefined && file.state !== "untracked");
  for (const { typed, path } of selected) {
    if (!generated.some((file) => isSelected(file.path, path)))
      throw new UsageError(
        `${typed} is not a file a build of ${status.package.name} wrote (not in specprompt.lock)`,
        "specprompt status lists the generated files",
      );
  }
  const edited = generated.filter(
    (file) =>
      (file.state === "modified" || file.state === "missing") &&
      (selected.length === 0 || selected.some(({ path }) => isSelected(file.path, path))),
  );
  const report: DiffReport = {
    package: status.package,
    ...(args.target !== undefined && { target: args.target }),
    outDir: status.outDir,
    files: [],
  };
  if (edited.length === 0) return report;
  const lock = (await readLockFile(status.package.dir, args.target))?.lock;
  for (const file of edited) {
    const unit = file.unit!;
    const entry = lockedUnit(lock, unit);
    const base: FileDiff = {
      path: file.path,
      unit,
      state: file.state as FileDiff["state"],
      buildId: entry?.buildId ?? "",
      hunks: [],
      patch: "",
    };
    const recovered =
      entry &&
      (await recoverOutput(status.package.dir, status.package.name, { name: unit, entry }, file.path));
    if (!recovered) {
      report.files.push({
        ...base,
        error: `what build ${base.buildId} wrote is neither in .specprompt/objects nor replayable from .specprompt/cache`,
      });
      continue;
    }
    const now = file.state === "missing" ? "" : readFileSync(`${status.outDir}/${file.path}`, "utf8");
    const patch = structuredPatch(
      `a/${file.path}`,
      file.state === "missing" ? "/dev/null" : `b/${file.path}`,
      recovered.content,
      now,
      undefined,
      undefined,
      { context: 3 },
    );
    report.files.push({
      ...base,
      source: recovered.source,
      hunks: patch.hunks,
      patch: formatPatch(patch, FILE_HEADERS_ONLY),
    });
  }
  return report;
}
