import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import picomatch from "picomatch";
import { LOCK_FILE } from "../lock/lock-file.js";
import type { Lock } from "../lock/lock-schema.js";
import { listImportedFiles, listImportedGlobRoots } from "../package/imports/imported-files.js";
import { localStateDir } from "../package/manifest-cache.js";
import type { LoadedPackage } from "../package/types.js";
import { asList } from "../util/as-list.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { FRESH_INDEX_FILE, type FreshRecord, type FreshResult } from "./freshness-index.js";
import { testGlobs } from "./generate-unit.js";

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
    ...[...pkg.tests, ...pkg.handwritten].map((layer) => join(pkg.outDir, layer.path)),
    ...listImportedFiles(pkg.imports),
  ];
  const outputs = Object.values(lock.units).flatMap((entry) =>
    Object.keys(entry.outputs).map((path) => join(pkg.outDir, path)),
  );
  if (outputs.some((path) => !existsSync(path))) return;
  const record: FreshRecord = { key, files: [], dirs: [], result };
  const lockPath = join(pkg.dir, LOCK_FILE);
  for (const path of files) {
    const info = statSync(path, { throwIfNoEntry: false });
    if (!info) return; // something is missing: not a state worth remembering
    if (path !== lockPath && info.mtimeMs >= since) return; // edited while we were building
    record.files.push([path, info.size, info.mtimeMs, info.ino]);
  }
  for (const dir of new Set(outputs.map((path) => dirname(path))))
    record.dirs.push([dir, statSync(dir).mtimeMs]);
  for (const [root, patterns] of [
    [pkg.dir, asList(pkg.manifest.context)],
    [pkg.outDir, [...testGlobs(pkg), ...asList(pkg.manifest.handwritten)]],
    ...listImportedGlobRoots(pkg.imports),
  ] as const) {
    for (const pattern of patterns) {
      for (const dir of listDirs(join(root, picomatch.scan(pattern).base))) {
        const info = statSync(dir, { throwIfNoEntry: false });
        if (!info) return; // a glob's folder does not exist yet: its creation would go unseen
        record.dirs.push([dir, info.mtimeMs]);
      }
    }
  }
  await writeFileAtomic(
    join(localStateDir(pkg.dir, pkg.target), FRESH_INDEX_FILE),
    JSON.stringify(record),
  ).catch(() => {});
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
