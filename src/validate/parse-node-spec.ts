import { findFrames, framePath } from "./clean-output.js";
import type { TestFailure, TestReport } from "./test-report.js";

const GLYPH = /^[✔✖▶ℹ﹣]/;
const RESULT = /^(\s*)✖ (.*?)(?: \(\d+(?:\.\d+)?m?s\))?$/;

/**
 * The spec reporter of node:test (the default of `node --test` on a terminal, and everywhere from
 * Node 23): ✔/✖ lines, `ℹ` totals, and at the end a "✖ failing tests:" section that repeats every
 * failure with its location (`test at test/x.test.js:6:3`) and error.
 */
export function parseNodeSpec(output: string): TestReport | undefined {
  if (!/^ℹ (?:tests|pass|fail) \d+$/m.test(output) && !/^✖ failing tests:$/m.test(output)) return undefined;
  const lines = output.split("\n");
  const section = lines.indexOf("✖ failing tests:");
  const failures = section >= 0 ? readFailingSection(lines, section + 1) : readTree(lines);
  for (const failure of failures) {
    // A test file that failed as a whole says only 'test failed'; the stderr before its line says why.
    if (!/^'?test failed'?$/.test(failure.message)) continue;
    const at = lines.findIndex((line) => RESULT.exec(line)?.[2] === failure.name);
    const stderr = at >= 0 ? diagnosticsBefore(lines, at) : [];
    if (stderr.length > 0) {
      failure.message = `${failure.message}\n${stderr.join("\n")}`;
      failure.frames = findFrames(stderr.join("\n"));
    }
  }
  const passed = total(output, "pass");
  const failed = total(output, "fail");
  return {
    format: "node-spec",
    failures,
    counts: passed === undefined || failed === undefined ? undefined : { passed, failed },
  };
}

function readFailingSection(lines: string[], start: number): TestFailure[] {
  const failures: TestFailure[] = [];
  let location: string | undefined;
  for (let index = start; index < lines.length; index++) {
    const line = lines[index]!;
    const at = /^test at (.+)$/.exec(line);
    if (at) {
      location = at[1];
      continue;
    }
    const result = RESULT.exec(line);
    if (result?.[1] !== "") continue;
    const block = readIndented(lines, index + 1, 2);
    index += block.length;
    failures.push(toFailure(result![2]!, location, block));
    location = undefined;
  }
  return failures;
}

/** Without the closing section (older Node): every ✖ line that carries an error below it. */
function readTree(lines: string[]): TestFailure[] {
  const failures: TestFailure[] = [];
  const suites: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const suite = /^(\s*)▶ (.*)$/.exec(line);
    if (suite) {
      suites[suite[1]!.length / 2] = suite[2]!;
      continue;
    }
    const result = RESULT.exec(line);
    if (!result) continue;
    const depth = result[1]!.length / 2;
    const block = readIndented(lines, index + 1, result[1]!.length + 2);
    index += block.length;
    if (block.every((text) => text.trim() === "")) continue; // a suite closing, its failures are below it
    const name = [...suites.slice(0, depth), result[2]!].join(" > ");
    failures.push(toFailure(name, undefined, block));
  }
  return failures;
}

function toFailure(name: string, location: string | undefined, block: string[]): TestFailure {
  const firstFrame = block.findIndex((line) => /^\s*at /.test(line));
  const message = (firstFrame >= 0 ? block.slice(0, firstFrame) : block).join("\n").trim();
  const file = location ? framePath(location) : /\.[cm]?[jt]sx?$/.test(name) ? name : undefined;
  return { name, ...(file && { file }), message, frames: findFrames(block.join("\n")) };
}

/** The lines after a result that are indented at least `indent` (or blank), without that indent. */
function readIndented(lines: string[], start: number, indent: number): string[] {
  const block: string[] = [];
  const prefix = " ".repeat(indent);
  for (let index = start; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.startsWith(prefix)) block.push(line.slice(indent));
    else if (line.trim() === "" && lines[index + 1]?.startsWith(prefix)) block.push("");
    else break;
  }
  return block;
}

/** The lines above `index` that the reporter did not write: what a test file printed before dying. */
function diagnosticsBefore(lines: string[], index: number): string[] {
  const found: string[] = [];
  for (let at = index - 1; at >= 0; at--) {
    const line = lines[at]!;
    if (GLYPH.test(line)) break;
    if (/^Node\.js v\d/.test(line)) continue;
    found.unshift(line);
  }
  return found.join("\n").trim().split("\n").slice(-40);
}

function total(output: string, label: string): number | undefined {
  const match = new RegExp(`^ℹ ${label} (\\d+)$`, "m").exec(output);
  return match ? Number(match[1]) : undefined;
}
