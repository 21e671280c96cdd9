import type { Lock, UnitLock } from "./lock-schema.js";

/**
 * The lock entry of a unit, if it has one. Unit names are user input: `lock.units.constructor`
 * would be Object's constructor, not an entry.
 */
export function lockedUnit(lock: Lock | undefined, name: string): UnitLock | undefined {
  return lock && Object.hasOwn(lock.units, name) ? lock.units[name] : undefined;
}
