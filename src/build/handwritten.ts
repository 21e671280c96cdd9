import picomatch from "picomatch";
import type { Lock, UnitLock } from "../lock/lock-schema.js";
import type { LoadedPackage } from "../package/types.js";
import { asList } from "../util/as-list.js";

/** Whether a path relative to out is hand-owned (`handwritten:` in the manifest). */
export function handwrittenMatcher(pkg: LoadedPackage): (path: string) => boolean {
  const globs = asList(pkg.manifest.handwritten);
  return globs.length > 0 ? picomatch(globs, { dot: true }) : () => false;
}

/**
 * The lock without the outputs that are now hand-written. A generated file adopted by hand (listed
 * in `handwritten:`) stops being a unit's output: a build no longer checks it for hand edits,
 * rewrites it or deletes it when its unit regenerates without it.
 */
export function withoutHandwritten(lock: Lock | undefined, pkg: LoadedPackage): Lock | undefined {
  if (!lock || pkg.manifest.handwritten === undefined) return lock;
  const isHandwritten = handwrittenMatcher(pkg);
  let changed = false;
  const units: Record<string, UnitLock> = {};
  for (const [name, entry] of Object.entries(lock.units)) {
    const kept = Object.entries(entry.outputs).filter(([path]) => !isHandwritten(path));
    if (kept.length === Object.keys(entry.outputs).length) units[name] = entry;
    else {
      changed = true;
      units[name] = { ...entry, outputs: Object.fromEntries(kept) };
    }
  }
  return changed ? { ...lock, units } : lock;
}
