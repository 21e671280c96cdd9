import { findFrames } from "./clean-output.js";
import type { TestFailure, TestReport } from "./test-report.js";

const SECTION =
  /^=+ (FAILURES|ERRORS|short test summary info|.*\b(?:passed|failed|errors?|no tests ran)\b.*) =+$/;
const BLOCK = /^_{3,} (.+?) _{3,}$/;
const SUMMARY_LINE = /^(FAILED|ERROR) (\S+?)(?: - (.*))?$/;
const TOTALS = /^(?:=+ )?((?:\d+ \w+(?:, )?)+) in [\d.]+s(?: \([^)]*\))?(?: =+)?$/m;

/**
 * pytest's default output: the FAILURES and ERRORS sections (one `___ name ___` block each, the
 * failing source with `E` lines, `path:line: Error` locations), the short summary that names each
 * test by node id, and the totals line.
 */
export function parsePytest(output: string): TestReport | undefined {
  if (
    !/^=+ (?:FAILURES|ERRORS|short test summary info|test session starts) =+$/m.test(output) &&
    !TOTALS.test(output)
  )
    return undefined;
  const lines = output.split("\n");
  const ids = new Map<string, { id: string; file: string }>();
  for (const line of lines) {
    const summary = SUMMARY_LINE.exec(line);
    if (!summary) continue;
    const [file, ...rest] = summary[2]!.split("::");
    ids.set(rest.join("."), { id: summary[2]!, file: file! });
  }
  const failures: TestFailure[] = [];
  let section: string | undefined;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const heading = SECTION.exec(line);
    if (heading) {
      section = heading[1];
      continue;
    }
    if (section !== "FAILURES" && section !== "ERRORS") continue;
    const block = BLOCK.exec(line);
    if (!block) continue;
    const body: string[] = [];
    while (index + 1 < lines.length && !BLOCK.test(lines[index + 1]!) && !SECTION.test(lines[index + 1]!)) {
      body.push(lines[++index]!);
    }
    failures.push(toFailure(block[1]!, body, ids));
  }
  if (failures.length === 0) {
    // `-q` with `-rf` and no tracebacks (`--tb=no`): the summary is all there is.
    for (const line of lines) {
      const summary = SUMMARY_LINE.exec(line);
      if (!summary) continue;
      const file = summary[2]!.split("::")[0]!;
      failures.push({ name: summary[2]!, file, message: summary[3] ?? "", frames: [] });
    }
  }
  const totals = TOTALS.exec(output)?.[1] ?? "";
  const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(totals)?.[1] ?? 0);
  return {
    format: "pytest",
    failures,
    counts: totals ? { passed: count("passed"), failed: count("failed") + count("errors?") } : undefined,
  };
}

function toFailure(
  title: string,
  body: string[],
  ids: Map<string, { id: string; file: string }>,
): TestFailure {
  const collecting = /^ERROR collecting (.+)$/.exec(title);
  const setup = /^ERROR at (?:setup|teardown) of (.+)$/.exec(title);
  const name = collecting ? collecting[1]! : (setup?.[1] ?? title);
  const known = ids.get(name);
  const errors = body.filter((line) => /^E {1,}/.test(line)).map((line) => line.replace(/^E {1,3}/, ""));
  const locations = body.filter((line) => /^[^\s].*:\d+: /.test(line));
  const message = [...errors, ...locations.slice(-1)].join("\n").trim() || body.join("\n").trim();
  // Tracebacks run outermost first; frames here run innermost first, as in JavaScript stacks.
  const frames = [
    ...new Set([...findFrames(errors.join("\n")), ...findFrames(locations.join("\n")).reverse()]),
  ];
  const file = collecting ? collecting[1] : known?.file;
  return { name: setup ? `${name} (${title.split(" ")[2]})` : name, ...(file && { file }), message, frames };
}
