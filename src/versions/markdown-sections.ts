/** The `##` and `###` sections of a Markdown text: title → body (everything up to the next such heading). */
export function markdownSections(text: string): Map<string, string> {
  const sections = new Map<string, string>();
  let title: string | undefined;
  let body: string[] = [];
  let fence: string | undefined;
  const flush = () => {
    if (title === undefined) return;
    // A title used twice keeps both bodies, under one key.
    const previous = sections.get(title);
    const text = body.join("\n").trim();
    sections.set(title, previous === undefined ? text : `${previous}\n\0\n${text}`);
  };
  for (const line of text.replace(/\r\n/g, "\n").split("\n")) {
    const fenceMatch = /^\s{0,3}(```|~~~)/.exec(line);
    if (fenceMatch) fence = fence === undefined ? fenceMatch[1] : fence === fenceMatch[1] ? undefined : fence;
    const heading = fence === undefined ? /^#{2,3}\s+(.+?)\s*#*\s*$/.exec(line) : null;
    if (heading) {
      flush();
      title = heading[1]!;
      body = [];
    } else if (title !== undefined) body.push(line);
  }
  flush();
  return sections;
}

export interface SectionChanges {
  added: string[];
  removed: string[];
  changed: string[];
}

/** Which `##`/`###` section titles were added, removed, or kept with a different body. */
export function diffSections(before: string, after: string): SectionChanges {
  const old = markdownSections(before);
  const now = markdownSections(after);
  return {
    added: [...now.keys()].filter((title) => !old.has(title)),
    removed: [...old.keys()].filter((title) => !now.has(title)),
    changed: [...now.keys()].filter((title) => old.has(title) && old.get(title) !== now.get(title)),
  };
}
