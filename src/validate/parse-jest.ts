import { findFrames } from "./clean-output.js";
import type { TestFailure, TestReport } from "./test-report.js";

const FILE_HEADER = /^(PASS|FAIL) (\S+)/;
const BULLET = /^ {2}● (.*)$/;
const CODE_LINE = /^\s*>?\s*\d*\s+\|/;

/**
 * Jest's default reporter: `FAIL file` headers, then one `  ● suite › test` block per failure with
 * the message, a code excerpt and `at … (file:line:col)` frames; `● Test suite failed to run` for a
 * file that did not load.
 */
export function parseJest(output: string): TestReport | undefined {
  if (!/^Tests: +\d/m.test(output) || !/^ {2}● /m.test(output)) return undefined;
  const lines = output.split("\n");
  const failures: TestFailure[] = [];
  let file: string | undefined;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const header = FILE_HEADER.exec(line);
    if (header) {
      file = header[2];
      continue;
    }
    const bullet = BULLET.exec(line);
    if (!bullet) continue;
    const block: string[] = [];
    while (index + 1 < lines.length) {
      const next = lines[index + 1]!;
      if (BULLET.test(next) || FILE_HEADER.test(next) || /^(Test Suites|Tests|Snapshots|Time):/.test(next))
        break;
      block.push(next);
      index++;
    }
    if (bullet[1] === "Console") continue;
    const whole = bullet[1] === "Test suite failed to run";
    const name = whole ? (file ?? bullet[1]!) : bullet[1]!.replaceAll(" › ", " > ");
    const message = block
      .filter((text) => !CODE_LINE.test(text) && !/^\s+at /.test(text))
      .map((text) => text.replace(/^ {4}/, ""))
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trim();
    failures.push({
      name,
      ...(file && { file }),
      message,
      frames: findFrames(block.filter((text) => /^\s+at /.test(text)).join("\n")),
    });
  }
  const summary = /^Tests: +(.*)$/m.exec(output)?.[1] ?? "";
  return {
    format: "jest",
    failures,
    counts: {
      passed: Number(/(\d+) passed/.exec(summary)?.[1] ?? 0),
      failed: Number(/(\d+) failed/.exec(summary)?.[1] ?? 0),
    },
  };
}
