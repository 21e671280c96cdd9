import { cleanOutput } from "./clean-output.js";
import { parseJest } from "./parse-jest.js";
import { parseJunit } from "./parse-junit.js";
import { parseNodeSpec } from "./parse-node-spec.js";
import { parsePytest } from "./parse-pytest.js";
import { parseTap } from "./parse-tap.js";
import { parseVitest } from "./parse-vitest.js";
import type { TestReport } from "./test-report.js";

export type { TestCounts, TestFailure, TestFormat, TestReport } from "./test-report.js";

/** Most specific first: a JUnit report or TAP stream is unambiguous; the reporters' summaries less so. */
const PARSERS = [parseJunit, parseTap, parseNodeSpec, parseVitest, parseJest, parsePytest];

/**
 * The failing tests in a test command's output, from whichever runner wrote it: node:test (TAP and
 * spec), JUnit XML, vitest, jest, pytest. `roots` are the absolute folders the tests ran in; paths
 * below them are reported relative. An unrecognised output gives no format and no failures.
 */
export function extractFailures(output: string, roots: string[] = []): TestReport {
  const text = cleanOutput(output, roots);
  let recognised: TestReport | undefined;
  for (const parse of PARSERS) {
    const report = parse(text);
    if (!report) continue;
    if (report.failures.length > 0) return report;
    recognised ??= report;
  }
  return recognised ?? { failures: [] };
}
