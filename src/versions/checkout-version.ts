import { existsSync } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import { dirname, join, posix } from "node:path";
import { GateError, UsageError } from "../errors.js";
import { isContainedPath } from "../package/contained-path.js";
import { findManifest } from "../package/find-manifest.js";
import { IMPORTS_DIR } from "../package/imports/vendor-git.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { sha256 } from "../util/hash.js";
import { walkTree } from "../util/walk-tree.js";
import {
  dirtyPaths,
  filesAt,
  type GitRepo,
  gitText,
  repoPath,
  requireRepo,
  showFile,
  tagExists,
} from "./git.js";
import { parseSemVer } from "./semver.js";
import { LOCK, MANIFEST, readRawManifest, sourceFiles } from "./source-files.js";
import { versionTag } from "./version-package.js";

export interface CheckoutOptions {
  /** `<name>@<version>` */
  spec: string;
  dir: string;
  cwd: string;
  force?: boolean;
}

export interface CheckoutResult {
  name: string;
  version: string;
  /** The tag restored from, or null when it was the last commit with that version in the manifest. */
  tag: string | null;
  commit: string;
  /** Source files written, relative to the package folder. */
  restored: string[];
  /** Source files deleted because the version does not have them. */
  deleted: string[];
  /**
   * Generated files (relative to out) removed because they were exactly as the last build wrote
   * them and the version's lock records other content: the next build restores them.
   */
  outputsToRestore: string[];
}

/** Splits `name@version` (the name may be scoped: `@team/name@1.2.0`). */
export function parseVersionSpec(spec: string): { name: string; version: string } {
  const at = spec.lastIndexOf("@");
  const name = spec.slice(0, Math.max(at, 0));
  const version = spec.slice(at + 1);
  if (at <= 0 || !parseSemVer(version))
    throw new UsageError(
      `expected <name>@<version>, got ${JSON.stringify(spec)}`,
      "specprompt checkout textstats@0.2.0",
    );
  return { name, version };
}

/**
 * `specprompt checkout <name>@<version>`: restore the package's source files (manifest, every layer
 * that version's manifest names, CHANGELOG.md, the lock) from its tag, or from the last commit whose
 * manifest has that version. Generated outputs are not taken from git: the next build restores them.
 */
export async function checkoutVersion(options: CheckoutOptions): Promise<CheckoutResult> {
  const { name, version } = parseVersionSpec(options.spec);
  const manifestPath = await findManifest(options.dir, options.cwd);
  const dir = dirname(manifestPath);
  const manifest = readRawManifest(await readFile(manifestPath, "utf8")) ?? {};
  if (typeof manifest.name === "string" && manifest.name !== name)
    throw new UsageError(
      `this package is ${manifest.name}, not ${name}`,
      `specprompt checkout ${manifest.name}@${version}`,
    );
  const repo = await requireRepo(dir, "checkout");
  const { rev, tag, commit } = await resolveVersion(repo, name, version);

  const targetManifest =
    readRawManifest((await showFile(repo, commit, MANIFEST))?.toString("utf8") ?? "") ?? {};
  const versionFiles = await filesAt(repo, commit);
  // Vendored git imports are source too: the version's copies come back, so its build needs no fetch.
  const vendored = (files: string[]) => files.filter((path) => path.startsWith(`${IMPORTS_DIR}/`));
  const target = [...sourceFiles(targetManifest, versionFiles), ...vendored(versionFiles)];
  const present = [
    ...sourceFiles(manifest, walkTree(dir).files),
    ...walkTree(join(dir, IMPORTS_DIR)).files.map((path) => `${IMPORTS_DIR}/${path}`),
  ];
  const deleted = present.filter((path) => !target.includes(path));
  const touched = new Set([...target, ...present].map((path) => repoPath(repo, path)));
  const dirty = (await dirtyPaths(repo)).filter((path) => touched.has(path));
  if (dirty.length > 0 && !options.force)
    throw new GateError(
      "E_DRIFT",
      `uncommitted changes to the package's source would be lost: ${dirty.join(", ")}`,
      {
        hint: "commit them (or `specprompt version` them) first, or pass --force to discard them",
      },
    );

  const outputsToRestore = await removeRebuildableOutputs(dir, manifest, {
    manifest: targetManifest,
    lockText: (await showFile(repo, commit, LOCK))?.toString("utf8"),
  });
  for (const path of target) {
    const bytes = await showFile(repo, commit, path);
    if (bytes === undefined) continue;
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFileAtomic(join(dir, path), bytes);
  }
  for (const path of deleted) await rm(join(dir, path), { force: true });
  return {
    name,
    version,
    tag: rev === tag ? tag : null,
    commit,
    restored: target,
    deleted,
    outputsToRestore,
  };
}

/**
 * Where `name@version` lives in git: its tag, or else the last commit whose manifest has that
 * version; a usage error when neither exists.
 */
export async function resolveVersion(
  repo: GitRepo,
  name: string,
  version: string,
): Promise<{ rev: string; tag: string; commit: string }> {
  const tag = versionTag(name, version);
  const rev = (await tagExists(repo, tag)) ? tag : await commitWithVersion(repo, version);
  if (!rev)
    throw new UsageError(
      `no version ${version} of ${name}: no tag ${tag} and no commit whose ${MANIFEST} has that version`,
      "`specprompt log` lists the versions",
    );
  const commit = (await gitText(["rev-parse", `${rev}^{commit}`], repo.root)).trim();
  return { rev, tag, commit };
}

/** The newest commit whose manifest (in the package folder) has `version`. */
async function commitWithVersion(repo: GitRepo, version: string): Promise<string | undefined> {
  const log = await git0(repo, ["log", "--format=%H", "--", repoPath(repo, MANIFEST)]);
  for (const commit of log.split("\n").filter(Boolean)) {
    const text = (await showFile(repo, commit, MANIFEST))?.toString("utf8");
    const data = text === undefined ? undefined : readRawManifest(text);
    if (data && String(data.version) === version) return commit;
  }
  return undefined;
}

async function git0(repo: GitRepo, args: string[]): Promise<string> {
  return gitText(args, repo.root).catch(() => "");
}

/** Output path relative to the package folder → sha256, of every unit (of every target) a lock records. */
type LockOutputs = Map<string, string>;

export function lockOutputs(text: string | undefined, manifest: Record<string, unknown>): LockOutputs {
  const outputs: LockOutputs = new Map();
  if (text === undefined) return outputs;
  type Units = Record<string, { outputs?: Record<string, string> }>;
  const add = (units: Units | undefined, out: unknown) => {
    const base = typeof out === "string" ? out : ".";
    for (const unit of Object.values(units ?? {}))
      for (const [path, hash] of Object.entries(unit.outputs ?? {})) {
        // A lock is data from a commit: a path out of the package folder is never touched.
        const full = posix.join(base, path);
        if (isContainedPath(full)) outputs.set(full, hash);
      }
  };
  try {
    const lock = JSON.parse(text) as { units?: Units; targets?: Record<string, { units?: Units }> };
    const targets = (manifest.targets ?? {}) as Record<string, { out?: unknown } | undefined>;
    add(lock.units, manifest.out);
    // A target the manifest no longer has is skipped: without its out, its files cannot be found.
    for (const [name, section] of Object.entries(lock.targets ?? {}))
      if (targets[name]?.out !== undefined) add(section.units, targets[name].out);
  } catch {
    // An unreadable lock records nothing we could restore.
  }
  return outputs;
}

/**
 * Generated files that are exactly what the current lock says the build wrote, but that the
 * version's lock records with other content (or not at all), are removed so the next build brings
 * back the version's bytes (from the output store or the response cache) instead of keeping them.
 * Hand-edited files are left alone: the build reports them as hand edits.
 */
async function removeRebuildableOutputs(
  dir: string,
  manifest: Record<string, unknown>,
  version: { manifest: Record<string, unknown>; lockText: string | undefined },
): Promise<string[]> {
  const current = lockOutputs(await readFile(join(dir, LOCK), "utf8").catch(() => undefined), manifest);
  const target = lockOutputs(version.lockText, version.manifest);
  const removed: string[] = [];
  for (const [path, hash] of [...current].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (target.get(path) === hash) continue;
    const file = join(dir, path);
    if (!existsSync(file)) continue;
    if (sha256(await readFile(file)) !== hash) continue;
    await rm(file);
    removed.push(path);
  }
  return removed;
}
