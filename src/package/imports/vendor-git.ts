import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { isAbsolute, join, posix, relative, sep } from "node:path";
import { sha256 } from "../../util/hash.js";
import { stableStringify } from "../../util/stable-json.js";
import type { GitFetcher } from "./git-fetcher.js";
import type { PackageImports } from "./types.js";

/**
 * Where git imports are vendored, relative to the importing package: committed with the lock, so
 * a fresh clone builds (and `--offline` works) without the network.
 */
export const IMPORTS_DIR = ".specprompt/imports";

/** A library folder in a repository at a ref, as a manifest names it. */
export interface GitSource {
  url: string;
  ref: string;
  /** The library's folder inside the repository, POSIX, "" for the top. */
  path: string;
}

/** What `<key>.json` beside a vendored copy says: its source and the commit the ref gave. */
export interface VendorRecord extends GitSource {
  commit: string;
}

/** The vendored copy's folder name: readable, and different for every url, ref and path. */
export function vendorKey(source: GitSource): string {
  const base = source.path === "" ? source.url.replace(/\/+$/, "").replace(/\.git$/, "") : source.path;
  const name = posix
    .basename(base.replaceAll("\\", "/").replace(/:/g, "/"))
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return `${name || "import"}-${sha256(`${source.url}\0${source.ref}\0${source.path}`).slice(0, 12)}`;
}

/** The vendored copy of `source` in the package at `rootDir`, when there is one for exactly it. */
export function readVendored(
  rootDir: string,
  source: GitSource,
): { dir: string; commit: string } | undefined {
  const key = vendorKey(source);
  const dir = join(rootDir, IMPORTS_DIR, key);
  let record: Partial<VendorRecord>;
  try {
    record = JSON.parse(readFileSync(`${dir}.json`, "utf8")) as Partial<VendorRecord>;
  } catch {
    return undefined;
  }
  const matches =
    record.url === source.url &&
    record.ref === source.ref &&
    record.path === source.path &&
    typeof record.commit === "string";
  return matches && existsSync(dir) ? { dir, commit: record.commit! } : undefined;
}

/**
 * Fetches `source` (at `rev`: its ref, or a commit the lock pinned) from `fetchUrl` and replaces
 * its vendored copy. The copy is written aside and renamed into place, so an interrupted fetch
 * never leaves half a library.
 */
export async function vendorGitSource(
  rootDir: string,
  source: GitSource,
  fetchUrl: string,
  rev: string,
  fetcher: GitFetcher,
): Promise<{ dir: string; commit: string }> {
  const scratch = join(rootDir, ".specprompt", "tmp", `vendor-${randomBytes(4).toString("hex")}`);
  try {
    const commit = await fetcher.extract(fetchUrl, rev, source.path, scratch);
    const dir = join(rootDir, IMPORTS_DIR, vendorKey(source));
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(rootDir, IMPORTS_DIR), { recursive: true });
    renameSync(scratch, dir);
    const record: VendorRecord = { ...source, commit };
    writeFileSync(`${dir}.json`, `${stableStringify(record, 2)}\n`);
    return { dir, commit };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Keys of the vendored copies a package's resolved imports use. */
export function vendoredKeys(rootDir: string, imports: PackageImports | undefined): Set<string> {
  const base = join(rootDir, IMPORTS_DIR);
  const keys = new Set<string>();
  for (const entry of imports?.all ?? []) {
    const rel = relative(base, entry.dir);
    if (rel !== "" && !rel.startsWith("..") && !isAbsolute(rel)) keys.add(rel.split(sep)[0]!);
  }
  return keys;
}

/**
 * Removes vendored copies no import uses any more (a changed ref leaves the old one behind).
 * Called once a build has committed: until then the lock may still pin the old copy, and a failed
 * build must leave `.specprompt/imports/` as the last good build had it.
 */
export function pruneVendored(rootDir: string, keep: ReadonlySet<string>): void {
  const base = join(rootDir, IMPORTS_DIR);
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return;
  }
  for (const name of names) {
    if (!keep.has(name.replace(/\.json$/, ""))) rmSync(join(base, name), { recursive: true, force: true });
  }
  if (keep.size === 0) rmSync(base, { recursive: true, force: true });
}
