import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { FILE_HEADERS_ONLY, formatPatch, structuredPatch } from "diff";
import { STATE_DIR } from "../build/build-context.js";
import type { BuildOptions, BuildResult } from "../build/build-types.js";
import { formatError, isSpecPromptError } from "../errors.js";
import type { LoadedPackage } from "../package/types.js";
import { writeFileAtomicSync } from "../util/atomic-write.js";
import type { AbsorbableEdit } from "./find-hand-edits.js";

/** A rebuilt file that differs from the hand edit: `a/` the hand edit, `b/` what the rebuild wrote. */
export interface RemainingDifference {
  path: string;
  patch: string;
}

export interface RebuildOutcome {
  build: { status: BuildResult["status"]; buildId?: string; message?: string };
  /** Per hand-edited path: undefined when the rebuild did not commit, else the difference left (none = match). */
  remaining: Map<string, RemainingDifference | null>;
}

/** Keep a copy of every hand-edited file under `.specprompt/absorbed/<id>/` before anything overwrites it. */
export function saveHandEdits(pkg: LoadedPackage, id: string, edits: readonly AbsorbableEdit[]): string {
  const dir = join(pkg.dir, STATE_DIR, "absorbed", id);
  for (const edit of edits) writeFileAtomicSync(join(dir, edit.path), edit.content);
  return relative(pkg.dir, dir).split("\\").join("/");
}

/**
 * Rebuild the package after its source was amended, and compare the rebuilt files with the hand
 * edits. The absorbed files are first put back to what the build wrote, so the build's own guard
 * still refuses to overwrite any other hand edit; when the build does not commit, the hand edits
 * are written back, and the output is as it was.
 */
export async function rebuildAbsorbed(
  pkg: LoadedPackage,
  edits: readonly AbsorbableEdit[],
  build: (options: BuildOptions) => Promise<BuildResult>,
  options: BuildOptions,
): Promise<RebuildOutcome> {
  const remaining = new Map<string, RemainingDifference | null>();
  const pathOf = (edit: AbsorbableEdit) => `${pkg.outDir}/${edit.path}`;
  for (const edit of edits) writeFileAtomicSync(pathOf(edit), edit.original);
  let committed = false;
  try {
    const result = await build({ ...options, force: false });
    committed = result.status !== "failed";
    if (!committed)
      return {
        build: { status: "failed", buildId: result.buildId, message: result.failure?.message },
        remaining,
      };
    for (const edit of edits) remaining.set(edit.path, compareWithEdit(edit, readOrEmpty(pathOf(edit))));
    return { build: { status: result.status, buildId: result.buildId }, remaining };
  } catch (error) {
    if (!isSpecPromptError(error)) throw error;
    return { build: { status: "failed", message: formatError(error) }, remaining };
  } finally {
    if (!committed) for (const edit of edits) writeFileAtomicSync(pathOf(edit), edit.content);
  }
}

function compareWithEdit(edit: AbsorbableEdit, rebuilt: string | undefined): RemainingDifference | null {
  if (rebuilt === edit.content) return null;
  const patch = structuredPatch(
    `hand-edit/${edit.path}`,
    rebuilt === undefined ? "/dev/null" : `rebuilt/${edit.path}`,
    edit.content,
    rebuilt ?? "",
    undefined,
    undefined,
    { context: 3 },
  );
  return { path: edit.path, patch: formatPatch(patch, FILE_HEADERS_ONLY) };
}

function readOrEmpty(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
