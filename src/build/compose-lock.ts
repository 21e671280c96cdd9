import type { Lock, TokenCount, UnitLock, ValidationRecord } from "../lock/lock-schema.js";
import { LOCKFILE_VERSION } from "../lock/lock-schema.js";
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
}): Lock {
  const { pkg, previous, updated } = options;
  const units: Record<string, UnitLock> = {};
  for (const unit of pkg.units) {
    const entry = updated.get(unit.name) ?? previous?.units[unit.name];
    if (entry) units[unit.name] = entry;
  }
  const changed = updated.size > 0 || !previous;
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
          validation: options.validation ?? previous?.build.validation,
        }
      : previous.build,
    units,
  };
}
