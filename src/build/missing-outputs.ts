import { existsSync } from "node:fs";
import type { Lock } from "../lock/lock-schema.js";
import { lockedUnit } from "../lock/locked-unit.js";
import type { LoadedPackage } from "../package/types.js";

/** Per unit, the output files the lock records that are not on disk (units with none are absent). */
export function findMissingOutputs(pkg: LoadedPackage, lock: Lock | undefined): Record<string, string[]> {
  const missing: Record<string, string[]> = {};
  for (const unit of pkg.units) {
    const outputs = lockedUnit(lock, unit.name)?.outputs ?? {};
    const absent = Object.keys(outputs).filter((path) => !existsSync(`${pkg.outDir}/${path}`));
    if (absent.length > 0) missing[unit.name] = absent;
  }
  return missing;
}
