import type { Lock } from "../lock/lock-schema.js";
import { lockedUnit } from "../lock/locked-unit.js";
import { detailImportChanges } from "../package/imports/describe-import-changes.js";
import type { LoadedPackage } from "../package/types.js";
import { computeUnitInputs, describeInputChanges, hashOutputs } from "./unit-inputs.js";

/** keep: nothing to do; generate: ask the model; restore: inputs unchanged but files missing. */
export type UnitAction = "keep" | "generate" | "restore";

export interface UnitPlan {
  unit: string;
  action: UnitAction;
  /** Why the unit is not kept, in words ("core changed", "never built", ...). */
  reasons: string[];
  /** The input hash as far as it is known before generating (needs of regenerating units are provisional). */
  inputHash: string;
}

export interface BuildPlan {
  units: UnitPlan[];
  /** Units in the lock that the manifest no longer has: their files are removed. */
  removedUnits: string[];
}

/**
 * Decide, without a model or the network, what a build would do. Pure: `missingOutputs` says
 * which recorded output files are absent on disk (the caller stats them).
 */
export function planBuild(
  pkg: LoadedPackage,
  lock: Lock | undefined,
  missingOutputs: Record<string, string[]> = {},
): BuildPlan {
  const plans = new Map<string, UnitPlan>();
  for (const unit of pkg.units) {
    const previous = lockedUnit(lock, unit.name);
    const needsState: Record<string, string> = {};
    const pendingNeeds: string[] = [];
    for (const name of unit.needs) {
      const needed = plans.get(name);
      const recorded = lockedUnit(lock, name)?.outputs;
      if (needed?.action === "generate" || recorded === undefined) pendingNeeds.push(name);
      needsState[name] = hashOutputs(recorded ?? {});
    }
    const { inputs, inputHash } = computeUnitInputs(pkg, unit, needsState);
    const reasons: string[] = [];
    if (!previous) reasons.push("never built");
    else if (previous.inputHash !== inputHash) {
      const changes = detailImportChanges(
        describeInputChanges(previous.inputs, inputs),
        lock?.imports,
        pkg.imports,
      );
      // A lock edited by hand (a merge) can carry a hash its recorded inputs do not give.
      reasons.push(...(changes.length > 0 ? changes : ["recorded input hash does not match its inputs"]));
    }
    for (const name of pendingNeeds) {
      if (previous) reasons.push(`needs ${name}, which regenerates`);
    }
    let action: UnitAction = reasons.length > 0 ? "generate" : "keep";
    const missing = missingOutputs[unit.name] ?? [];
    if (action === "keep" && missing.length > 0) {
      action = "restore";
      reasons.push(`missing ${missing.length === 1 ? missing[0] : `${missing.length} files`}`);
    }
    plans.set(unit.name, { unit: unit.name, action, reasons, inputHash });
  }
  const current = new Set(pkg.units.map((unit) => unit.name));
  const removedUnits = Object.keys(lock?.units ?? {})
    .filter((name) => !current.has(name))
    .sort();
  return { units: pkg.units.map((unit) => plans.get(unit.name)!), removedUnits };
}
