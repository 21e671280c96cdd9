import { statSync } from "node:fs";
import { basename, relative } from "node:path";
import picomatch from "picomatch";
import type { PackageArgs } from "../build/build-types.js";
import { testGlobs } from "../build/generate-unit.js";
import { withoutHandwritten } from "../build/handwritten.js";
import { planBuild } from "../build/plan-build.js";
import { LOCK_FILE } from "../lock/lock-file.js";
import type { Lock } from "../lock/lock-schema.js";
import { readLockFile } from "../lock/read-lock.js";
import { describeImportPins, listImportedInputs } from "../package/imports/imported-files.js";
import { loadPackage } from "../package/load-package.js";
import type { LoadedPackage } from "../package/types.js";
import { asList } from "../util/as-list.js";
import { findUntracked } from "./find-untracked.js";
import { walkListed } from "./listed-folders.js";
import { requireMatchingLock } from "./require-lock.js";
import {
  RACY_MS,
  readLockHashes,
  readStatusIndex,
  STATUS_INDEX_FORMAT,
  type StatusIndex,
  statusKey,
  writeStatusIndex,
} from "./status-index.js";
import { makeStatusReport, type StatusFacts, type StatusReport } from "./status-types.js";
import { checkTrackedFiles, trackedStates } from "./tracked-files.js";

/** A full status: the package loaded, its lock checked, and the report. */
export interface ComputedStatus {
  report: StatusReport;
  pkg: LoadedPackage;
  /** The lock as read (outputs now listed in `handwritten:` included). */
  lock: Lock;
  warnings: string[];
}

/**
 * Status the slow way: load the package, check the lock against it, plan (the same `planBuild` a
 * build follows) and list the owned folders; then write the status index so the next status can
 * skip all of that while the inputs stay as they are. Hashes of unchanged outputs are reused.
 */
export async function computeStatus(
  args: PackageArgs,
  options: { command?: string; started?: number } = {},
): Promise<ComputedStatus> {
  const started = options.started ?? Date.now();
  const { pkg, warnings } = await loadPackage(args.dir, args);
  const lock = requireMatchingLock(
    pkg,
    (await readLockFile(pkg.dir, pkg.target))?.lock,
    options.command ?? "report",
  );
  const effective = withoutHandwritten(lock, pkg)!;
  const plan = planBuild(pkg, effective, {});
  // Sorted as the report lists them, so the index's order is the report's.
  const tracked = Object.entries(effective.units)
    .flatMap(([unit, entry]) => Object.entries(entry.outputs).map(([path, hash]) => ({ path, unit, hash })))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const untracked = findUntracked(pkg, new Set(tracked.map((file) => file.path)));
  const facts: StatusFacts = {
    package: { name: pkg.manifest.name, version: pkg.manifest.version, dir: pkg.dir },
    outDir: pkg.outDir,
    lock: { version: lock.version, buildId: lock.build.id, builtAt: lock.build.time },
    stale: plan.units
      .filter((unit) => unit.action === "generate")
      .map((unit) => ({ unit: unit.unit, reasons: unit.reasons })),
    removedUnits: plan.removedUnits,
    lockOutdated: describeOutdatedLock(pkg, lock),
    untracked: untracked.files,
    handwritten: pkg.handwritten.map((layer) => layer.path),
    warnings,
  };

  const outPrefix = relative(pkg.dir, pkg.outDir).split("\\").join("/");
  const index = newIndex(pkg, args, facts, outPrefix === "" ? "" : `${outPrefix}/`);
  const trusted = recordInputs(pkg, index, untracked.dirs, started);
  index.factsTrusted = trusted;
  const previous = readStatusIndex(pkg.dir, pkg.manifestPath, pkg.target);
  const lockHashes = carryStates(index, tracked, previous, pkg.dir);
  const checked = await checkTrackedFiles(`${pkg.dir}/`, index, () => lockHashes, started);
  await writeStatusIndex(pkg.dir, index, lockHashes);
  return { report: makeStatusReport(facts, trackedStates(index, checked!.codes)), pkg, lock, warnings };
}

function newIndex(pkg: LoadedPackage, args: PackageArgs, facts: StatusFacts, outPrefix: string): StatusIndex {
  return {
    format: STATUS_INDEX_FORMAT,
    key: statusKey(args),
    manifestPath: pkg.manifestPath,
    target: pkg.target,
    outPrefix,
    factsTrusted: false,
    inputs: [],
    inputStats: new Float64Array(0),
    dirs: [],
    dirMtimes: new Float64Array(0),
    facts,
    files: [],
    units: [],
    fileUnits: [],
    fileStats: new Float64Array(0),
    hashesId: `${Date.now()}-${Math.random().toString(36).slice(2)}`,
    states: "",
  };
}

/** Stat every input and listed folder; false when one changed too recently to trust what was read. */
function recordInputs(pkg: LoadedPackage, index: StatusIndex, ownedDirs: string[], started: number): boolean {
  const { outPrefix } = index;
  const imported = listImportedInputs(pkg.dir, pkg.imports);
  const inputs = [
    basename(pkg.manifestPath),
    LOCK_FILE,
    ...[pkg.core, pkg.guide, pkg.criteria, ...pkg.context, ...pkg.units.map((unit) => unit.prompt)]
      .filter((layer) => layer !== undefined)
      .map((layer) => layer.path),
    ...[...pkg.tests, ...pkg.handwritten].map((layer) => outPrefix + layer.path),
    ...imported.files,
  ];
  let trusted = true;
  const inputStats: number[] = [];
  for (const path of new Set(inputs)) {
    const info = statSync(`${pkg.dir}/${path}`, { throwIfNoEntry: false });
    if (!info) return false;
    if (info.mtimeMs >= started - RACY_MS) trusted = false;
    index.inputs.push(path);
    inputStats.push(info.size, info.mtimeMs, info.ino);
  }
  index.inputStats = new Float64Array(inputStats);
  const dirs = new Set(ownedDirs.map((dir) => trimSlash(outPrefix + dir)));
  const globRoots: [string, string[]][] = [
    ["", asList(pkg.manifest.context)],
    [outPrefix, [...testGlobs(pkg), ...asList(pkg.manifest.handwritten)]],
    ...imported.globRoots,
  ];
  for (const [prefix, patterns] of globRoots) {
    for (const pattern of patterns) {
      const scan = picomatch.scan(pattern);
      if (scan.negated) continue;
      const base = trimSlash(prefix + (scan.isGlob ? scan.base : parentOf(scan.base)));
      for (const dir of walkListed(pkg.dir, base).dirs) dirs.add(dir);
    }
  }
  const dirMtimes: number[] = [];
  for (const dir of [...dirs].sort()) {
    const info = statSync(dir === "" ? pkg.dir : `${pkg.dir}/${dir}`, { throwIfNoEntry: false });
    if (!info) continue; // a folder that does not exist yet: its parent's mtime covers its creation
    if (info.mtimeMs >= started - RACY_MS) trusted = false;
    index.dirs.push(dir);
    dirMtimes.push(info.mtimeMs);
  }
  index.dirMtimes = new Float64Array(dirMtimes);
  return trusted;
}

/**
 * Fill the tracked files, keeping the stat and state the previous index had for a path whose lock
 * hash is the same; returns the lock hashes, in index order.
 */
function carryStates(
  index: StatusIndex,
  tracked: { path: string; unit: string; hash: string }[],
  previous: StatusIndex | undefined,
  pkgDir: string,
): string {
  const before = new Map<string, number>();
  const previousHashes = previous && readLockHashes(pkgDir, previous);
  if (previousHashes && previous.outPrefix === index.outPrefix) {
    for (let i = 0; i < previous.files.length; i++) before.set(previous.files[i]!, i);
  }
  const unitIndex = new Map<string, number>();
  const lockHashes: string[] = [];
  const states: string[] = [];
  const fileStats: number[] = [];
  for (const { path, unit, hash } of tracked) {
    let at = unitIndex.get(unit);
    if (at === undefined) {
      at = index.units.push(unit) - 1;
      unitIndex.set(unit, at);
    }
    index.files.push(path);
    index.fileUnits.push(at);
    lockHashes.push(hash);
    const i = before.get(path);
    if (previous && previousHashes && i !== undefined && previousHashes.slice(64 * i, 64 * i + 64) === hash) {
      fileStats.push(
        previous.fileStats[3 * i]!,
        previous.fileStats[3 * i + 1]!,
        previous.fileStats[3 * i + 2]!,
      );
      states.push(previous.states[i]!);
    } else {
      fileStats.push(-1, -1, -1);
      states.push("?");
    }
  }
  index.fileStats = new Float64Array(fileStats);
  index.states = states.join("");
  return lockHashes.join("");
}

/** Why the lock is out of date even where no unit regenerates: a build would rewrite it. */
function describeOutdatedLock(pkg: LoadedPackage, lock: Lock): string[] {
  const reasons: string[] = [];
  if (lock.version !== pkg.manifest.version)
    reasons.push(`version ${pkg.manifest.version} is not built yet (the lock records ${lock.version})`);
  const names = new Set([...Object.keys(lock.params), ...Object.keys(pkg.params)]);
  const changed = [...names].filter((name) => lock.params[name] !== pkg.params[name]).sort();
  if (changed.length > 0) reasons.push(`params changed since the lock: ${changed.join(", ")}`);
  reasons.push(...describeImportPins(lock.imports, pkg.imports));
  return reasons;
}

function parentOf(path: string): string {
  const at = path.lastIndexOf("/");
  return at < 0 ? "" : path.slice(0, at);
}

/** `src/` → `src`, `./src` → `src`, `.` → "" (the folder itself). */
function trimSlash(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed === "." ? "" : trimmed.startsWith("./") ? trimmed.slice(2) : trimmed;
}
