/** A Markdown heading outside code fences: its level, title and line index. */
interface Heading {
  level: number;
  title: string;
  line: number;
}

function listHeadings(lines: string[]): Heading[] {
  const headings: Heading[] = [];
  let fence: string | undefined;
  lines.forEach((line, i) => {
    const fenceMatch = /^\s{0,3}(```|~~~)/.exec(line);
    if (fenceMatch) fence = fence === undefined ? fenceMatch[1] : fence === fenceMatch[1] ? undefined : fence;
    const heading = fence === undefined ? /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line) : null;
    if (heading) headings.push({ level: heading[1]!.length, title: heading[2]!, line: i });
  });
  return headings;
}

/** The titles of the `##` and `###` sections of a Markdown text, in order. */
export function listSectionTitles(text: string): string[] {
  return listHeadings(text.split("\n"))
    .filter((heading) => heading.level === 2 || heading.level === 3)
    .map((heading) => heading.title);
}

/**
 * The sections of `text` whose `##`/`###` heading has one of `titles`, each with its heading and
 * everything up to the next heading of the same or a higher level (so a `##` keeps its `###`s),
 * in the order the text has them. `missing` lists the titles no section has.
 */
export function selectSections(
  text: string,
  titles: readonly string[],
): { text: string; missing: string[]; parts: { line: number; text: string }[] } {
  const lines = text.split("\n");
  const headings = listHeadings(lines);
  const wanted = new Set(titles);
  const found = new Set<string>();
  const parts: { line: number; text: string }[] = [];
  let coveredTo = -1;
  headings.forEach((heading, i) => {
    if (heading.level < 2 || heading.level > 3 || !wanted.has(heading.title)) return;
    found.add(heading.title);
    if (heading.line < coveredTo) return; // inside a section already taken
    const next = headings.slice(i + 1).find((other) => other.level <= heading.level);
    const end = next?.line ?? lines.length;
    parts.push({ line: heading.line, text: lines.slice(heading.line, end).join("\n") });
    coveredTo = end;
  });
  return {
    text: `${parts.map((part) => part.text.trim()).join("\n\n")}\n`,
    missing: titles.filter((title) => !found.has(title)),
    parts,
  };
}
