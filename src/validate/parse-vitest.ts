import { findFrames } from "./clean-output.js";
import type { TestFailure, TestReport } from "./test-report.js";

const SEPARATOR = /^⎯{3,}/;
const FAIL = /^ FAIL {1,2}(\S+)(?: \[ .* \]| > (.*))?$/;
const CODE_LINE = /^\s+(?:\d+\s*)?\|/;

/**
 * Vitest's default reporter: the "Failed Suites" and "Failed Tests" sections, one block per failure
 * headed ` FAIL  file > suite > test`, with the error, the diff and `❯ file:line:col` frames.
 */
export function parseVitest(output: string): TestReport | undefined {
  if (!/^ {5,}Tests {1,2}\d/m.test(output) && !/⎯ Failed (?:Tests|Suites) \d+ ⎯/.test(output))
    return undefined;
  const lines = output.split("\n");
  const failures: TestFailure[] = [];
  let inSection = false;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (/⎯ Failed (?:Tests|Suites) \d+ ⎯/.test(line)) {
      inSection = true;
      continue;
    }
    const header = inSection ? FAIL.exec(line) : null;
    if (!header) continue;
    const block: string[] = [];
    while (index + 1 < lines.length) {
      const next = lines[index + 1]!;
      if (SEPARATOR.test(next) || FAIL.test(next) || /^ {1,}Test Files /.test(next)) break;
      block.push(next);
      index++;
    }
    const file = header[1]!;
    const name = header[2] ? `${file} > ${header[2]}` : file;
    const message = block
      .filter((text) => !CODE_LINE.test(text) && !/^\s*❯ /.test(text))
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trim();
    failures.push({
      name,
      file,
      message,
      frames: findFrames(block.filter((text) => /^\s*❯ /.test(text)).join("\n")),
    });
  }
  const summary = /^ {5,}Tests {1,2}(.*)$/m.exec(output)?.[1] ?? "";
  const failed = /(\d+) failed/.exec(summary);
  const passed = /(\d+) passed/.exec(summary);
  return {
    format: "vitest",
    failures,
    counts: summary ? { passed: Number(passed?.[1] ?? 0), failed: Number(failed?.[1] ?? 0) } : undefined,
  };
}
