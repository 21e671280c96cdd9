import { readFileSync } from "node:fs";
import type { PackageArgs } from "../build/build-types.js";
import { diffHandEdits } from "../drift/diff-hand-edits.js";
import { isSelected, toOutPath } from "../drift/out-path.js";
import { recoverOutput } from "../drift/recover-output.js";
import { UsageError } from "../errors.js";
import { lockedUnit } from "../lock/locked-unit.js";
import { readLockFile } from "../lock/read-lock.js";
import { loadPackage } from "../package/load-package.js";
import type { LoadedPackage, LoadedUnit } from "../package/types.js";
import type { HandEdit } from "./absorb-prompt.js";

/** A hand-edited file with what the build wrote, so the edit can be set aside and put back. */
export interface AbsorbableEdit extends HandEdit {
  /** What the build wrote (its hash is the lock's). */
  original: string;
}

/** The hand edits of one unit. */
export interface UnitEdits {
  unit: LoadedUnit;
  edits: AbsorbableEdit[];
}

export interface FoundHandEdits {
  pkg: LoadedPackage;
  /** In the manifest's unit order. */
  units: UnitEdits[];
  warnings: string[];
}

/**
 * The hand-edited generated files to absorb, by unit: every modified file of the package, or those
 * the `paths` name. A path that names no generated file, or only files as the build wrote them or
 * deleted ones, is bad input; so is an edit whose original cannot be reconstructed.
 */
export async function findHandEdits(args: PackageArgs & { paths?: string[] }): Promise<FoundHandEdits> {
  const diff = await diffHandEdits(args);
  const paths = args.paths ?? [];
  for (const typed of paths) {
    const path = toOutPath(args.cwd, diff.outDir, typed);
    const selected = diff.files.filter((file) => isSelected(file.path, path));
    if (selected.length === 0)
      throw new UsageError(
        `${typed} has no hand edits: it is as the build wrote it`,
        "specprompt status lists the modified files",
      );
    if (selected.every((file) => file.state === "missing"))
      throw new UsageError(
        `${typed} was deleted, not edited; absorb takes edits`,
        "specprompt build restores it; to stop generating it, change the unit's prompt or owns by hand",
      );
  }
  const broken = diff.files.find((file) => file.error);
  if (broken)
    throw new UsageError(
      `${broken.path} (unit ${broken.unit}): ${broken.error}`,
      "commit .specprompt/objects with the lock so every clone has what the build wrote",
    );
  const warnings = diff.files
    .filter((file) => file.state === "missing")
    .map((file) => `${file.path} (unit ${file.unit}) was deleted, not edited: not absorbed`);
  const modified = diff.files.filter((file) => file.state === "modified");
  const { pkg, warnings: loadWarnings } = await loadPackage(args.dir, args);
  if (modified.length === 0) return { pkg, units: [], warnings: [...loadWarnings, ...warnings] };
  const lock = (await readLockFile(pkg.dir, pkg.target))?.lock;
  const units: UnitEdits[] = [];
  for (const unit of pkg.units) {
    const mine = modified.filter((file) => file.unit === unit.name);
    if (mine.length === 0) continue;
    const entry = lockedUnit(lock, unit.name)!;
    const edits: AbsorbableEdit[] = [];
    for (const file of mine) {
      const recovered = await recoverOutput(
        pkg.dir,
        pkg.manifest.name,
        { name: unit.name, entry },
        file.path,
      );
      edits.push({
        path: file.path,
        patch: file.patch,
        content: readFileSync(`${pkg.outDir}/${file.path}`, "utf8"),
        original: recovered!.content,
      });
    }
    units.push({ unit, edits });
  }
  const orphan = modified.find((file) => !pkg.units.some((unit) => unit.name === file.unit));
  if (orphan)
    throw new UsageError(
      `${orphan.path} belongs to unit ${orphan.unit}, which the manifest no longer has`,
      "absorb it by hand into the unit that owns it now",
    );
  return { pkg, units, warnings: [...loadWarnings, ...warnings] };
}
