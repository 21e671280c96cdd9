/**
 * Acceptance criteria and the tests that trace to them. A criterion is a line of the criteria file
 * (a list item, a heading or a paragraph) that starts with an id such as `AC-1`, `REQ-12` or
 * `US-3`, followed by `:`, `.`, `)` or a dash, or set off in bold, brackets or backticks. A test
 * covers a criterion when its name contains the id (`test("AC-1 splits on punctuation", ...)`).
 */

/** One acceptance criterion: its id, the rest of its line, and its 1-based line number. */
export interface Criterion {
  id: string;
  title: string;
  line: number;
}

/** A file of tests: its path (for messages) and its text. */
export interface TestSource {
  path: string;
  content: string;
}

const ID = String.raw`[A-Z][A-Z0-9]*-\d+`;
// Leading list marker or heading, then the id (optionally wrapped), then a separator.
const CRITERION_LINE = new RegExp(
  String.raw`^\s*(?:(?:[-*+]|\d+[.)])\s+)?(?:#{1,6}\s+)?(?:\[[ xX]\]\s+)?` +
    String.raw`(?:(?:\*\*|__|\[|\x60)(${ID})(?:\*\*|__|\]|\x60)[:.)]?|(${ID})(?:[:.)]|\s+[-–—]))\s*(.*)$`,
);

/** Every criterion of a criteria file, in order; an id given twice counts once (its first line). */
export function extractCriteria(markdown: string): Criterion[] {
  const criteria: Criterion[] = [];
  const seen = new Set<string>();
  let fenced = false;
  markdown.split("\n").forEach((text, index) => {
    if (/^\s*(```|~~~)/.test(text)) fenced = !fenced;
    if (fenced) return;
    const match = CRITERION_LINE.exec(text);
    const id = match?.[1] ?? match?.[2];
    if (!match || !id || seen.has(id)) return;
    seen.add(id);
    criteria.push({ id, title: stripMarkup(match[3] ?? ""), line: index + 1 });
  });
  return criteria;
}

/**
 * For every criterion, the names of the tests whose name contains its id (ids compare without case,
 * `_` for `-`, so Python's `test_ac_1_...` counts). Every criterion is a key; uncovered ones map to [].
 */
export function findCoverage(criteria: Criterion[], tests: TestSource[]): Map<string, string[]> {
  const names = tests.flatMap((test) => extractTestNames(test.content));
  const coverage = new Map<string, string[]>();
  for (const criterion of criteria) {
    const pattern = idPattern(criterion.id);
    coverage.set(
      criterion.id,
      names.filter((name) => pattern.test(name)),
    );
  }
  return coverage;
}

/**
 * Test names declared in a test file: the string given to `test`, `it`, `describe`, `suite` or
 * `Deno.test` (JavaScript, TypeScript), and test functions (`def test_...`, `func Test...`, `fn test_...`).
 */
export function extractTestNames(content: string): string[] {
  const names: string[] = [];
  const call =
    /\b(?:test|it|describe|suite|context|Deno\.test)(?:\.(?:only|skip|todo|concurrent|sequential|each\s*\([^)]*\)))*\s*\(\s*(["'`])((?:\\.|(?!\1)[^\\])*)\1/g;
  for (const match of content.matchAll(call)) names.push(match[2]!);
  const fn = /\b(?:def|func|fn)\s+((?:test|Test)\w*)/g;
  for (const match of content.matchAll(fn)) names.push(match[1]!);
  return names;
}

/** `AC-1` matches `AC-1`, `ac_1` and `[AC-1]`, never `AC-10` or `XAC-1`. */
function idPattern(id: string): RegExp {
  const [prefix, number] = [id.slice(0, id.lastIndexOf("-")), id.slice(id.lastIndexOf("-") + 1)];
  return new RegExp(String.raw`(?<![A-Za-z0-9])${prefix}[-_]${number}(?!\d)`, "i");
}

function stripMarkup(text: string): string {
  return text
    .replace(/\*\*|__|`/g, "")
    .replace(/^[-–—:]\s*/, "")
    .trim();
}
