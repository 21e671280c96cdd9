import { readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { localStateDir } from "../package/manifest-cache.js";
import { VERSION } from "../version.js";
import type { BuildPlan } from "./plan-build.js";

/**
 * git-index-style shortcut for the commonest build of all, the one with nothing to do. When a
 * build ends with the package up to date, we remember the size, mtime and inode of every file it
 * read (manifest, layers, tests, lock, outputs) and the mtimes of the folders globs expand in.
 * If none of them changed, the next build is up to date without reading or hashing anything.
 * Outputs are covered by their folders' mtimes: a build only cares whether they exist, and
 * deleting or creating a file changes its folder's mtime (editing one in place does not).
 */
export interface FreshRecord {
  key: string;
  files: [string, number, number, number][];
  dirs: [string, number][];
  result: FreshResult;
}

/** What an up-to-date build reports, remembered with the record. */
export interface FreshResult {
  package: { name: string; version: string; dir: string; target?: string };
  plan: BuildPlan;
  warnings: string[];
}

/** Bumped when the record's meaning changes, so older records are ignored. */
const RECORD_FORMAT = 2;

/** The record, under the package's machine-local state folder. */
export const FRESH_INDEX_FILE = "fresh.json";

/** Everything outside the files that decides a build's result: tool version and overrides. */
export function freshnessKey(options: {
  set?: Record<string, string>;
  model?: string;
  env: Record<string, string | undefined>;
}): string {
  return JSON.stringify([
    RECORD_FORMAT,
    VERSION,
    options.set ?? {},
    options.model ?? null,
    options.env.SPECPROMPT_MODEL ?? null,
  ]);
}

/** The report of a package known to be up to date, or undefined when anything may have changed. */
export function readFresh(manifestPath: string, key: string, target?: string): FreshResult | undefined {
  const dir = dirname(manifestPath);
  let record: FreshRecord;
  try {
    record = JSON.parse(
      readFileSync(join(localStateDir(dir, target), FRESH_INDEX_FILE), "utf8"),
    ) as FreshRecord;
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
