import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import picomatch from "picomatch";
import { LOCK_FILE } from "../lock/lock-file.js";
import type { Lock } from "../lock/lock-schema.js";
import { LOCAL_STATE_DIR } from "../package/manifest-cache.js";
import type { LoadedPackage } from "../package/types.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { VERSION } from "../version.js";
import type { BuildPlan } from "./plan-build.js";

/**
 * git-index-style shortcut for the commonest build of all, the one with nothing to do. When a
 * build ends with the package up to date, we remember the size, mtime and inode of every file it
 * read (manifest, layers, tests, lock, outputs) and the mtimes of the folders globs expand in.
 * If none of them changed, the next build is up to date without reading or hashing anything.
 */
export interface FreshRecord {
  key: string;
  files: [string, number, number, number][];
  dirs: [string, number][];
  result: FreshResult;
}

/** What an up-to-date build reports, remembered with the record. */
export interface FreshResult {
  package: { name: string; version: string; dir: string };
  plan: BuildPlan;
  warnings: string[];
}

const INDEX_FILE = "fresh.json";

/** Everything outside the files that decides a build's result: tool version and overrides. */
export function freshnessKey(options: {
  set?: Record<string, string>;
  model?: string;
  env: Record<string, string | undefined>;
}): string {
  return JSON.stringify([
    VERSION,
    options.set ?? {},
    options.model ?? null,
    options.env.SPECPROMPT_MODEL ?? null,
  ]);
}

/** The report of a package known to be up to date, or undefined when anything may have changed. */
export function readFresh(manifestPath: string, key: string): FreshResult | undefined {
  const dir = dirname(manifestPath);
  let record: FreshRecord;
  try {
    record = JSON.parse(readFileSync(join(dir, LOCAL_STATE_DIR, INDEX_FILE), "utf8")) as FreshRecord;
  } catch {
    return undefined;
  }
  if (record.key !== key || record.files[0]?.[0] !== manifestPath) return undefined;
  for (const [path, size, mtimeMs, ino] of record.files) {
    const info = statSync(path, { throwIfNoEntry: false });
    if (!info || info.size !== size || info.mtimeMs !== mtimeMs || info.ino !== ino) return undefined;
  }
  for (const [path, mtimeMs] of record.dirs) {
    if (statSync(path, { throwIfNoEntry: false })?.mtimeMs !== mtimeMs) return undefined;
  }
  return record.result;
}

/**
 * Remember that `pkg` is up to date with `lock` (call only when it is). Best effort. Files changed
 * after `since` (the build's start) may differ from what was loaded, so then nothing is recorded.
 */
export async function recordFresh(
  pkg: LoadedPackage,
  lock: Lock,
  result: FreshResult,
  key: string,
  since: number,
): Promise<void> {
  const files = [
    pkg.manifestPath,
    join(pkg.dir, LOCK_FILE),
    ...[pkg.core, pkg.guide, pkg.criteria, ...pkg.context, ...pkg.units.map((unit) => unit.prompt)]
      .filter((layer) => layer !== undefined)
      .map((layer) => join(pkg.dir, layer.path)),
    ...pkg.tests.map((test) => join(pkg.outDir, test.path)),
    ...Object.values(lock.units).flatMap((entry) =>
      Object.keys(entry.outputs).map((path) => join(pkg.outDir, path)),
    ),
  ];
  const record: FreshRecord = { key, files: [], dirs: [], result };
  const lockPath = join(pkg.dir, LOCK_FILE);
  for (const path of files) {
    const info = statSync(path, { throwIfNoEntry: false });
    if (!info) return; // something is missing: not a state worth remembering
    if (path !== lockPath && info.mtimeMs >= since) return; // edited while we were building
    record.files.push([path, info.size, info.mtimeMs, info.ino]);
  }
  const globs = (value: string | string[] | undefined) => (value === undefined ? [] : [value].flat());
  for (const [root, patterns] of [
    [pkg.dir, globs(pkg.manifest.context)],
    [pkg.outDir, globs(pkg.manifest.validation?.tests)],
  ] as const) {
    for (const pattern of patterns) {
      for (const dir of listDirs(join(root, picomatch.scan(pattern).base))) {
        record.dirs.push([dir, statSync(dir).mtimeMs]);
      }
    }
  }
  await writeFileAtomic(join(pkg.dir, LOCAL_STATE_DIR, INDEX_FILE), JSON.stringify(record)).catch(() => {});
}

/** `root` and every folder below it, skipping dependencies and our own state. */
function listDirs(root: string): string[] {
  const dirs: string[] = [];
  const visit = (dir: string) => {
    dirs.push(dir);
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.isDirectory() && !["node_modules", ".git", ".specprompt"].includes(entry.name)) {
        visit(join(dir, entry.name));
      }
    }
  };
  visit(root);
  return dirs;
}
