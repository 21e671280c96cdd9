import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { GateError, SpecPromptError, UsageError } from "../errors.js";
import type { LockFile } from "../lock/lock-schema.js";
import { serializeLock } from "../lock/read-lock.js";
import { findManifest } from "../package/find-manifest.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { walkTree } from "../util/walk-tree.js";
import { addEntry, type LayerChange } from "./changelog.js";
import {
  dirtyPaths,
  filesAt,
  findRepo,
  type GitRepo,
  gitText,
  repoPath,
  showFile,
  tagExists,
} from "./git.js";
import { diffSections } from "./markdown-sections.js";
import { nextVersion } from "./semver.js";
import { setManifestVersion } from "./set-version.js";
import { CHANGELOG, LOCK, layerFiles, MANIFEST, readRawManifest, sourceFiles } from "./source-files.js";

export interface VersionOptions {
  /** Package folder (or manifest path), relative to cwd. */
  dir: string;
  cwd: string;
  /** patch | minor | major | x.y.z */
  bump: string;
  why: string;
  allowDirty?: boolean;
  /** Today, for the changelog; defaults to now. */
  now?: Date;
}

export interface VersionResult {
  name: string;
  from: string;
  to: string;
  /** Source files changed since `from` (its tag); every layer as added for a first version. */
  changed: LayerChange[];
  /** Whether there was an earlier version to compare with. */
  first: boolean;
  /** The tag made, or null outside a git repository. */
  tag: string | null;
  /** The commit made, or null outside a git repository. */
  commit: string | null;
}

/** The git tag of a package version. */
export const versionTag = (name: string, version: string) => `${name}@${version}`;

/**
 * `specprompt version`: bump the manifest's version, add the CHANGELOG.md entry with the why and
 * what changed since the last version's tag, and in a git repository commit both and tag it.
 */
export async function versionPackage(options: VersionOptions): Promise<VersionResult> {
  const why = options.why.trim();
  if (why === "")
    throw new UsageError("version needs the why of the change", 'specprompt version patch -m "why"');
  const manifestPath = await findManifest(options.dir, options.cwd);
  const dir = dirname(manifestPath);
  const manifestText = await readFile(manifestPath, "utf8");
  const manifest = readRawManifest(manifestText);
  const name = typeof manifest?.name === "string" ? manifest.name : undefined;
  const from = manifest?.version === undefined ? undefined : String(manifest.version);
  if (!manifest || !name || !from)
    throw new SpecPromptError("E_MANIFEST", `${MANIFEST} needs a name and a version`, {
      hint: "run `specprompt check` to see what is wrong with the manifest",
    });
  const to = nextVersion(from, options.bump);
  const files = walkTree(dir).files;
  const current = layerFiles(manifest, files);

  const repo = await findRepo(dir);
  const lastTag = versionTag(name, from);
  const tag = versionTag(name, to);
  let changed: LayerChange[];
  let first = true;
  if (repo && (await tagExists(repo, lastTag))) {
    first = false;
    changed = await changesSince(repo, lastTag, dir, manifestText, current);
    if (changed.length === 0)
      throw new GateError("E_DRIFT", `nothing changed since ${lastTag}: no new version to make`, {
        hint: "edit a layer of the package first",
      });
  } else {
    changed = current.map((path) => ({ path, status: "added" }));
  }
  if (repo && (await tagExists(repo, tag)))
    throw new UsageError(`tag ${tag} already exists`, `pick another version than ${to}`);

  let commitPaths: string[] = [];
  if (repo) {
    const own = new Set(
      [...sourceFiles(manifest, files), CHANGELOG, LOCK, ...changed.map((c) => c.path)].map((path) =>
        repoPath(repo, path),
      ),
    );
    const dirty = await dirtyPaths(repo);
    const unrelated = dirty.filter((path) => !own.has(path));
    if (unrelated.length > 0 && !options.allowDirty) {
      const shown =
        unrelated.slice(0, 5).join(", ") + (unrelated.length > 5 ? `, and ${unrelated.length - 5} more` : "");
      throw new GateError(
        "E_DRIFT",
        `files other than the package's source have uncommitted changes: ${shown}`,
        {
          hint: "commit or stash them first, or pass --allow-dirty (they are left out of the version's commit)",
        },
      );
    }
    commitPaths = dirty.filter((path) => own.has(path));
  }

  const date = (options.now ?? new Date()).toISOString().slice(0, 10);
  const changelogPath = join(dir, CHANGELOG);
  const changelog = await readFile(changelogPath, "utf8").catch(() => undefined);
  const entry = { version: to, date, why, ...(!first && { since: from }), changes: changed };
  await writeFileAtomic(manifestPath, setManifestVersion(manifestText, to, MANIFEST));
  await writeFileAtomic(changelogPath, addEntry(changelog, entry));
  const lockRelabelled = await relabelLock(join(dir, LOCK), from, to);
  if (!repo) return { name, from, to, changed, first, tag: null, commit: null };

  const paths = [
    ...new Set([
      ...commitPaths,
      repoPath(repo, MANIFEST),
      repoPath(repo, CHANGELOG),
      ...(lockRelabelled ? [repoPath(repo, LOCK)] : []),
    ]),
  ];
  await gitText(["add", "-A", "--", ...paths], repo.root);
  await gitText(["commit", "-q", "-m", `${tag}\n\n${why}`, "--", ...paths], repo.root);
  await gitText(["tag", "-a", tag, "-m", why], repo.root);
  const commit = (await gitText(["rev-parse", "HEAD"], repo.root)).trim();
  return { name, from, to, changed, first, tag, commit };
}

/** What changed in the package's source between the tag and the working tree. */
async function changesSince(
  repo: GitRepo,
  tag: string,
  dir: string,
  manifestText: string,
  current: string[],
): Promise<LayerChange[]> {
  const oldManifestText = (await showFile(repo, tag, MANIFEST))?.toString("utf8");
  const oldManifest = oldManifestText === undefined ? undefined : readRawManifest(oldManifestText);
  const previous = oldManifest ? layerFiles(oldManifest, await filesAt(repo, tag)) : [];
  const changes: LayerChange[] = [];
  if (oldManifestText === undefined || withoutVersion(oldManifestText) !== withoutVersion(manifestText))
    changes.push({ path: MANIFEST, status: oldManifestText === undefined ? "added" : "changed" });
  for (const path of [...new Set([...previous, ...current])].sort()) {
    const before = previous.includes(path) ? await showFile(repo, tag, path) : undefined;
    const after = current.includes(path) ? await readFile(join(dir, path)).catch(() => undefined) : undefined;
    if (before === undefined && after === undefined) continue;
    if (before === undefined) changes.push({ path, status: "added" });
    else if (after === undefined) changes.push({ path, status: "removed" });
    else if (!before.equals(after)) {
      const change: LayerChange = { path, status: "changed" };
      if (/\.(md|markdown)$/i.test(path)) {
        const sections = diffSections(before.toString("utf8"), after.toString("utf8"));
        // Only when the change touched a section title or body (not just text before the first ##).
        if (sections.added.length + sections.removed.length + sections.changed.length > 0)
          change.sections = sections;
      }
      changes.push(change);
    }
  }
  return changes;
}

/** The manifest's data without its version, to tell a manifest change from the bump itself. */
function withoutVersion(text: string): string {
  const data = readRawManifest(text);
  if (!data) return text;
  const { version: _version, ...rest } = data;
  return JSON.stringify(rest);
}

/**
 * The lock names the version it was built as: a new version of an unchanged build is the same
 * lock with the new name, so the tag holds a lock that is current (and `check` passes on it).
 * Only a lock exactly as specprompt writes it is touched; true when it was rewritten.
 */
async function relabelLock(path: string, from: string, to: string): Promise<boolean> {
  const text = await readFile(path, "utf8").catch(() => undefined);
  if (text === undefined) return false;
  let lock: LockFile;
  try {
    lock = JSON.parse(text) as LockFile;
  } catch {
    return false;
  }
  if (lock.version !== from || serializeLock(lock) !== text) return false;
  await writeFileAtomic(path, serializeLock({ ...lock, version: to }));
  return true;
}
