import { findFrames, framePath } from "./clean-output.js";
import type { TestFailure, TestReport } from "./test-report.js";

/**
 * TAP as node:test writes it (the default reporter of `node --test` on Node 20 when stdout is not a
 * terminal): `# Subtest:` lines and `ok`/`not ok` results indented four spaces per level, each
 * followed by a YAML block with `location`, `error`, `name` and `stack`. Plain TAP works too.
 */
export function parseTap(output: string): TestReport | undefined {
  const lines = output.split("\n");
  if (!lines.some((line) => /^\s*(?:not )?ok \d+/.test(line)) || !/^TAP version|^\s*1\.\.\d+/m.test(output)) {
    return undefined;
  }
  const failures: TestFailure[] = [];
  const suites: string[] = [];
  let pending: string[] = []; // lines since the last result that are not TAP: stderr of a test file
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const subtest = /^(\s*)# Subtest: (.*)$/.exec(line);
    if (subtest) {
      suites[depthOf(subtest[1]!)] = subtest[2]!;
      continue;
    }
    const result = /^(\s*)(not ok|ok) \d+(?: - (.*?))?(?:\s+#\s+(?:SKIP|TODO)\b.*)?$/i.exec(line);
    if (!result) {
      const comment = /^\s*# ?(.*)$/.exec(line);
      if (comment && !/^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) \d/.test(comment[1]!))
        pending.push(comment[1]!);
      else if (!comment && !/^\s*(---|\.\.\.|1\.\.\d+|TAP version)/.test(line) && line.trim())
        pending.push(line);
      continue;
    }
    const depth = depthOf(result[1]!);
    const { fields, end } = readYamlBlock(lines, index + 1, result[1]!.length + 2);
    index = end - 1;
    const diagnostics = pending;
    pending = [];
    if (result[2] !== "not ok" || /#\s*(SKIP|TODO)\b/i.test(line)) continue;
    if (fields.type === "suite" || fields.failureType === "subtestsFailed") continue;
    if (fields.failureType === "cancelledByParent") continue;
    const name = [...suites.slice(0, depth), result[3] ?? ""].filter(Boolean).join(" > ");
    failures.push(toFailure(name, fields, diagnostics));
  }
  const passed = summaryCount(output, "pass");
  const failed = summaryCount(output, "fail");
  return {
    format: "tap",
    failures,
    counts: passed === undefined || failed === undefined ? undefined : { passed, failed },
  };
}

/** `# pass 3` at the end of node:test TAP. */
function summaryCount(output: string, label: string): number | undefined {
  const match = new RegExp(`^# ${label} (\\d+)$`, "m").exec(output);
  return match ? Number(match[1]) : undefined;
}

function depthOf(indent: string): number {
  return Math.floor(indent.length / 4);
}

function toFailure(name: string, fields: Record<string, string>, diagnostics: string[]): TestFailure {
  const location = fields.location ? framePath(fields.location) : undefined;
  let message = fields.error ?? "";
  const errorName = fields.name;
  if (errorName && !message.startsWith(errorName)) message = `${errorName}: ${message}`;
  // A test file that failed as a whole (it did not load) says only "test failed"; its stderr says why.
  if (fields.exitCode !== undefined && diagnostics.length > 0) {
    const stderr = diagnostics.filter((line) => !/^Node\.js v\d/.test(line)).slice(-40);
    message = `${message}\n${stderr.join("\n")}`;
  }
  const frames = findFrames([fields.stack ?? "", fields.exitCode !== undefined ? message : ""].join("\n"));
  const file = location ?? (isTestName(name) ? name : undefined);
  return { name, ...(file && { file }), message: message.trim(), frames };
}

function isTestName(name: string): boolean {
  return /\.[cm]?[jt]sx?$/.test(name);
}

/**
 * The YAML diagnostics block after a result (`---` … `...`), as flat key → text. Only what node:test
 * writes: plain and single-quoted scalars and `|-` block scalars.
 */
function readYamlBlock(
  lines: string[],
  start: number,
  indent: number,
): { fields: Record<string, string>; end: number } {
  const fields: Record<string, string> = {};
  if (lines[start]?.trim() !== "---") return { fields, end: start };
  let index = start + 1;
  while (index < lines.length && lines[index]!.trim() !== "...") {
    const line = lines[index]!;
    const pair = /^\s*([\w-]+):\s?(.*)$/.exec(line);
    index++;
    if (!pair || line.length - line.trimStart().length !== indent) continue;
    const [, key, raw] = pair;
    if (raw === "|-" || raw === "|" || raw === ">-") {
      const block: string[] = [];
      while (index < lines.length) {
        const next = lines[index]!;
        const nextIndent = next.length - next.trimStart().length;
        if (next.trim() !== "" && nextIndent <= indent) break;
        block.push(next.slice(indent + 2));
        index++;
      }
      fields[key!] = block.join("\n").trimEnd();
    } else if (raw!.startsWith("'")) {
      fields[key!] = raw!.slice(1, raw!.endsWith("'") ? -1 : undefined).replaceAll("''", "'");
    } else {
      fields[key!] = raw === "~" ? "" : raw!;
    }
  }
  return { fields, end: index + 1 };
}
