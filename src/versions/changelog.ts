import type { SectionChanges } from "./markdown-sections.js";

/** How one source file changed since the last version. */
export interface LayerChange {
  /** Relative to the package folder. */
  path: string;
  status: "added" | "removed" | "changed";
  /** For Markdown files that changed: the `##`/`###` section titles added, removed and changed. */
  sections?: SectionChanges;
}

/** One version in CHANGELOG.md. */
export interface ChangelogEntry {
  version: string;
  /** YYYY-MM-DD */
  date: string;
  why: string;
  /** The version it is compared with; undefined for the first version. */
  since?: string;
  changes: LayerChange[];
}

const HEADER = "# Changelog\n";
/** A fresh regex each time: a shared global one carries `lastIndex` from one call to the next. */
const entryHeading = () => /^## (\S+) — (\d{4}-\d{2}-\d{2})[ \t]*$/gm;
const SINCE = /^Changed since (\S+):$/;
const FIRST = "First version.";
const BULLET = /^- (added|removed|changed) `([^`]+)`(?: \(sections (.*)\))?$/;

/** The Markdown of one entry, ending with a newline. */
export function renderEntry(entry: ChangelogEntry): string {
  const lines = [`## ${entry.version} — ${entry.date}`, "", entry.why.trim(), ""];
  if (entry.since === undefined) lines.push(FIRST);
  else {
    lines.push(`Changed since ${entry.since}:`, "");
    for (const change of entry.changes) lines.push(renderChange(change));
  }
  return `${lines.join("\n")}\n`;
}

function renderChange(change: LayerChange): string {
  const parts: string[] = [];
  const list = (titles: string[]) => titles.map((title) => JSON.stringify(title)).join(", ");
  for (const kind of ["added", "removed", "changed"] as const) {
    const titles = change.sections?.[kind] ?? [];
    if (titles.length > 0) parts.push(`${kind} ${list(titles)}`);
  }
  return `- ${change.status} \`${change.path}\`${parts.length > 0 ? ` (sections ${parts.join("; ")})` : ""}`;
}

/** The changelog with `entry` inserted first (newest first), creating the file's header when needed. */
export function addEntry(changelog: string | undefined, entry: ChangelogEntry): string {
  const text = changelog ?? "";
  const rendered = renderEntry(entry);
  const first = entryHeading().exec(text);
  if (first) return `${text.slice(0, first.index)}${rendered}\n${text.slice(first.index)}`;
  const head = text.trim() === "" ? HEADER : text.endsWith("\n") ? text : `${text}\n`;
  return `${head}\n${rendered}`;
}

/** Every entry of a changelog written by `addEntry`, in file order (newest first). */
export function parseChangelog(text: string): ChangelogEntry[] {
  const normalized = text.replace(/\r\n/g, "\n");
  const heads = [...normalized.matchAll(entryHeading())];
  return heads.map((head, i) => {
    const start = head.index + head[0].length;
    const end = heads[i + 1]?.index ?? normalized.length;
    const body = normalized.slice(start, end).split("\n");
    const why: string[] = [];
    const changes: LayerChange[] = [];
    let since: string | undefined;
    let inChanges = false;
    for (const line of body) {
      const sinceMatch = SINCE.exec(line.trim());
      if (sinceMatch) {
        since = sinceMatch[1];
        inChanges = true;
        continue;
      }
      if (line.trim() === FIRST) {
        inChanges = true;
        continue;
      }
      const bullet = inChanges ? BULLET.exec(line.trim()) : null;
      if (bullet) changes.push(parseChange(bullet));
      else if (!inChanges) why.push(line);
    }
    return {
      version: head[1]!,
      date: head[2]!,
      why: why.join("\n").trim(),
      ...(since !== undefined && { since }),
      changes,
    };
  });
}

function parseChange(match: RegExpExecArray): LayerChange {
  const change: LayerChange = { path: match[2]!, status: match[1] as LayerChange["status"] };
  if (match[3]) {
    const sections: SectionChanges = { added: [], removed: [], changed: [] };
    for (const part of match[3].split(/; (?=(?:added|removed|changed) ")/)) {
      const kind = /^(added|removed|changed) /.exec(part)?.[1] as keyof SectionChanges | undefined;
      if (!kind) continue;
      for (const quoted of part.matchAll(/"(?:[^"\\]|\\.)*"/g))
        sections[kind].push(JSON.parse(quoted[0]) as string);
    }
    change.sections = sections;
  }
  return change;
}
