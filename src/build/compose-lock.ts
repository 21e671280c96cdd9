import { LOCKFILE_VERSION } from "../lock/lock-file.js";
import type { Lock, TokenCount, UnitLock, ValidationRecord } from "../lock/lock-schema.js";
import { lockedUnit } from "../lock/locked-unit.js";
import { lockImports } from "../package/imports/imported-files.js";
import type { LoadedPackage } from "../package/types.js";

/** The lock after a build: pure, from the previous lock and the units this build (re)made. */
export function composeLock(options: {
  pkg: LoadedPackage;
  previous: Lock | undefined;
  updated: ReadonlyMap<string, UnitLock>;
  buildId: string;
  time: string;
  tokens: TokenCount;
  cost: number | undefined;
  validation: ValidationRecord | undefined;
  /** How long the build took up to now; recorded so `build --model` can compare. */
  durationMs?: number;
}): Lock {
  const { pkg, previous, updated } = options;
  const units: Record<string, UnitLock> = {};
  for (const unit of pkg.units) {
    const entry = updated.get(unit.name) ?? lockedUnit(previous, unit.name);
    if (entry) units[unit.name] = entry;
  }
  // Dropping a unit deletes its files: that is a new build even when nothing regenerated.
  const dropped = Object.keys(previous?.units ?? {}).some((name) => !Object.hasOwn(units, name));
  const changed = updated.size > 0 || dropped || !previous;
  return {
    lockfileVersion: LOCKFILE_VERSION,
    name: pkg.manifest.name,
    version: pkg.manifest.version,
    params: pkg.params,
    build: changed
      ? {
          id: options.buildId,
          time: options.time,
          tokens: options.tokens,
          cost: options.cost,
          // Never an older build's result: these outputs are only as validated as this build made them.
          validation: options.validation,
          durationMs: options.durationMs,
        }
      : previous.build,
    units,
    ...(pkg.imports && { imports: lockImports(pkg.imports) }),
  };
}
