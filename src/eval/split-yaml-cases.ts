/** A slice of a YAML case file that parses on its own. */
export interface YamlChunk {
  text: string;
  /** 0-based index of the chunk's first line in the file. */
  lineOffset: number;
}

/** A case file cut into its top-level keys (map form) and the items of its list of cases. */
export interface YamlSplit {
  /** A list of cases, or a map whose `tests:` holds them. */
  form: "list" | "map";
  /** In the map form, each top-level key except `tests`, as its own `key: ...` text. */
  keys: (YamlChunk & { key: string })[];
  /** Each case: a one-item block sequence, indented as in the file. */
  items: YamlChunk[];
}

const itemStart = /^( *)-( |$)/;
const plainKey = /^([A-Za-z_][\w.-]*)[ \t]*:(?:[ \t]+(.*))?$/;

/**
 * Cuts a case file at its cases, so each is parsed on its own: the `yaml` package holds about
 * 100 bytes of nodes per byte of text, which for 20,000 cases is 400 MB at once, and the cut
 * keeps it to one case. Returns undefined when the file is not plainly a list of cases (or
 * `tests:` with a block list): anchors and aliases, several documents, directives, flow or
 * quoted keys. Those files are parsed whole, which is always correct, only heavier.
 */
export function splitYamlCases(text: string): YamlSplit | undefined {
  if (/(^|[\s[{,])[&*][^\s,[\]{}]/.test(text) || /^%/m.test(text) || /\t/.test(text)) return undefined;
  const lines = text.split("\n");
  let first = lines.findIndex(isSignificant);
  if (first !== -1 && /^---\s*$/.test(lines[first]!)) {
    const marker = first;
    first = lines.findIndex((line, i) => i > marker && isSignificant(line));
  }
  if (first === -1) return undefined;
  // Several documents, or an end marker: parse whole.
  if (lines.some((line, i) => i > first && /^(---|\.\.\.)(\s|$)/.test(line))) return undefined;
  if (itemStart.exec(lines[first]!)?.[1] === "") {
    const items = splitItems(lines, first, lines.length, 0);
    return items && { form: "list", keys: [], items };
  }
  const keys: YamlSplit["keys"] = [];
  let items: YamlChunk[] | undefined = [];
  const starts: { key: string; line: number; inline?: string }[] = [];
  for (let i = first; i < lines.length; i++) {
    const line = lines[i]!;
    if (!isSignificant(line) || line.startsWith(" ") || itemStart.test(line)) continue;
    const match = plainKey.exec(line);
    if (!match) return undefined;
    starts.push({ key: match[1]!, line: i, inline: match[2]?.trim() || undefined });
  }
  for (const [n, start] of starts.entries()) {
    const end = starts[n + 1]?.line ?? lines.length;
    if (start.key !== "tests") {
      keys.push({ key: start.key, text: lines.slice(start.line, end).join("\n"), lineOffset: start.line });
      continue;
    }
    if (start.inline !== undefined && !start.inline.startsWith("#")) return undefined;
    const itemLine = lines.findIndex((line, i) => i > start.line && i < end && isSignificant(line));
    if (itemLine === -1) return undefined;
    const indent = itemStart.exec(lines[itemLine]!)?.[1];
    if (indent === undefined) return undefined;
    items = splitItems(lines, itemLine, end, indent.length);
    if (!items) return undefined;
  }
  if (!starts.some((start) => start.key === "tests")) return undefined;
  return { form: "map", keys, items };
}

/** The items of a block sequence at `indent` between lines `from` and `to`; undefined if something else sits at that indent. */
function splitItems(lines: string[], from: number, to: number, indent: number): YamlChunk[] | undefined {
  const items: YamlChunk[] = [];
  let current: number | undefined;
  for (let i = from; i < to; i++) {
    const line = lines[i]!;
    if (!isSignificant(line)) continue;
    const lead = line.length - line.trimStart().length;
    if (lead > indent) continue;
    if (lead < indent || !itemStart.test(line)) return undefined;
    if (current !== undefined) items.push({ text: lines.slice(current, i).join("\n"), lineOffset: current });
    current = i;
  }
  if (current !== undefined) items.push({ text: lines.slice(current, to).join("\n"), lineOffset: current });
  return items;
}

function isSignificant(line: string): boolean {
  const trimmed = line.trimStart();
  return trimmed !== "" && !trimmed.startsWith("#");
}
