import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { SpecPromptError } from "../errors.js";
import { findManifest } from "../package/find-manifest.js";
import { type ChangelogEntry, parseChangelog } from "./changelog.js";
import { findRepo, gitText } from "./git.js";
import { compareSemVer, parseSemVer } from "./semver.js";
import { CHANGELOG, MANIFEST, readRawManifest } from "./source-files.js";
import { versionTag } from "./version-package.js";

export interface LogEntry extends ChangelogEntry {
  /** The version's git tag, or null when there is none. */
  tag: string | null;
  /** The commit the tag points to, or null. */
  commit: string | null;
}

export interface LogReport {
  name: string;
  /** The manifest's version now. */
  version: string;
  /** Newest first. */
  versions: LogEntry[];
}

/** `specprompt log`: the package's versions from CHANGELOG.md, joined with its git tags. */
export async function readLog(options: { dir: string; cwd: string }): Promise<LogReport> {
  const manifestPath = await findManifest(options.dir, options.cwd);
  const dir = dirname(manifestPath);
  const manifest = readRawManifest(await readFile(manifestPath, "utf8"));
  if (typeof manifest?.name !== "string" || manifest.version === undefined)
    throw new SpecPromptError("E_MANIFEST", `${MANIFEST} needs a name and a version`);
  const name = manifest.name;
  const changelog = await readFile(join(dir, CHANGELOG), "utf8").catch(() => "");
  const entries = parseChangelog(changelog);
  const tags = await readTags(dir, name);
  const versions: LogEntry[] = entries.map((entry) => {
    const tag = tags.get(entry.version);
    return { ...entry, tag: tag ? versionTag(name, entry.version) : null, commit: tag?.commit ?? null };
  });
  // A tag with no changelog entry (made by hand, or the changelog was edited) still is a version.
  for (const [version, tag] of tags)
    if (!entries.some((entry) => entry.version === version))
      versions.push({
        version,
        date: tag.date,
        why: tag.subject,
        changes: [],
        tag: versionTag(name, version),
        commit: tag.commit,
      });
  versions.sort((a, b) => {
    const x = parseSemVer(a.version);
    const y = parseSemVer(b.version);
    return x && y ? compareSemVer(y, x) : 0;
  });
  return { name, version: String(manifest.version), versions };
}

interface TagInfo {
  commit: string;
  date: string;
  subject: string;
}

/** The package's version tags (`<name>@<version>`), by version; empty outside a repository. */
async function readTags(dir: string, name: string): Promise<Map<string, TagInfo>> {
  const tags = new Map<string, TagInfo>();
  const repo = await findRepo(dir);
  if (!repo) return tags;
  const format =
    "%(refname:strip=2)%00%(objectname)%00%(*objectname)%00%(creatordate:short)%00%(contents:subject)";
  const text = await gitText(["for-each-ref", `--format=${format}`, `refs/tags/${name}@*`], repo.root);
  for (const line of text.split("\n")) {
    const [ref, object, peeled, date, subject] = line.split("\0");
    if (!ref?.startsWith(`${name}@`)) continue;
    const version = ref.slice(name.length + 1);
    if (!parseSemVer(version)) continue;
    tags.set(version, { commit: peeled || object || "", date: date ?? "", subject: subject ?? "" });
  }
  return tags;
}
