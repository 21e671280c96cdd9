import { dirname, join } from "node:path";
import type { PackageArgs } from "../build/build-types.js";
import { CACHE_DIR, createFileCache } from "../cache/response-cache.js";
import { SpecPromptError, UsageError } from "../errors.js";
import { LOCK_FILE } from "../lock/lock-file.js";
import { lockedUnit } from "../lock/locked-unit.js";
import { readLockFile } from "../lock/read-lock.js";
import { findManifest } from "../package/find-manifest.js";
import { listTargets } from "../package/targets.js";

/** One recorded model exchange: the request exactly as sent, and the response. */
export interface LockedRequest {
  key: string;
  request: unknown;
  response: unknown;
}

/** The exchanges that produced a unit's current files, in order. */
export interface LockedRequestsView {
  unit: string;
  model: string;
  buildId: string;
  builtAt: string;
  iterations: number;
  requests: LockedRequest[];
}

/**
 * The exact requests that produced a unit's files as the lock records them, read from the response
 * cache by the keys in the lock's `requests`. A key missing from the cache is bad input with what to do.
 */
export async function showLockedRequests(
  args: Pick<PackageArgs, "dir" | "cwd" | "target"> & { unit?: string },
): Promise<LockedRequestsView> {
  const pkgDir = dirname(await findManifest(args.dir, args.cwd));
  const target = (
    await listTargets({ ...args, targets: args.target === undefined ? undefined : [args.target] })
  )[0];
  if (args.target === undefined && target !== undefined) {
    throw new UsageError("the package has targets: choose one with --target", `e.g. --target ${target}`);
  }
  const lock = (await readLockFile(pkgDir, target))?.lock;
  if (!lock)
    throw new SpecPromptError("E_LOCK", `the package has never been built: there is no ${LOCK_FILE}`, {
      hint: "run specprompt build first; --from-lock shows the requests a build recorded",
    });
  const names = Object.keys(lock.units);
  const name = args.unit ?? (names.length === 1 ? names[0] : undefined);
  if (!name)
    throw new UsageError("the lock has several units; choose one with --unit", `units: ${names.join(", ")}`);
  const entry = lockedUnit(lock, name);
  if (!entry) throw new UsageError(`the lock has no unit named '${name}'`, `units: ${names.join(", ")}`);
  const cache = createFileCache(join(pkgDir, CACHE_DIR));
  const requests: LockedRequest[] = [];
  for (const [i, key] of entry.requests.entries()) {
    const hit = await cache.get(key);
    if (!hit) {
      throw new SpecPromptError(
        "E_CACHE_MISS",
        `request ${i + 1} of ${entry.requests.length} of unit ${name} (build ${entry.buildId}) is not in ${CACHE_DIR}: cache key ${key.slice(0, 12)}`,
        {
          hint: "the cache is written by build and committed with the lock; restore .specprompt/cache from version control, or rebuild the unit",
        },
      );
    }
    requests.push({ key, request: hit.request, response: hit.response });
  }
  return {
    unit: name,
    model: entry.inputs.model,
    buildId: entry.buildId,
    builtAt: entry.builtAt,
    iterations: entry.iterations,
    requests,
  };
}
