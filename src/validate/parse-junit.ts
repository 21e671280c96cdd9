import { findFrames } from "./clean-output.js";
import type { TestFailure, TestReport } from "./test-report.js";

const TAG =
  /<(\/?)(testsuites|testsuite|testcase|failure|error|skipped)\b((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g;

/**
 * JUnit XML (node:test's `junit` reporter, pytest's `--junitxml`, jest-junit, Surefire, ...) when
 * the command prints it. Read with a tolerant scan of the few elements that matter, not a full XML
 * parser: a truncated report still yields the failures before the cut.
 */
export function parseJunit(output: string): TestReport | undefined {
  if (!/<testsuites?\b/.test(output) || !/<testcase\b/.test(output)) return undefined;
  const failures: TestFailure[] = [];
  const suites: string[] = [];
  let total = 0;
  let failed = 0;
  let skipped = 0;
  let current: { name: string; file?: string; failed: boolean } | undefined;
  for (const match of output.matchAll(TAG)) {
    const [whole, closing, tag, rawAttributes, selfClosing] = match;
    const attributes = readAttributes(rawAttributes ?? "");
    if (tag === "testsuite") {
      if (closing) suites.pop();
      else if (!selfClosing) suites.push(attributes.name ?? "");
    } else if (tag === "testcase") {
      if (closing) {
        current = undefined;
        continue;
      }
      total++;
      current = {
        name: [...suites.filter(isMeaningfulSuite), attributes.name ?? ""].join(" > "),
        file: attributes.file,
        failed: false,
      };
      if (selfClosing) current = undefined;
    } else if ((tag === "failure" || tag === "error") && !closing && current) {
      const body = selfClosing ? "" : readBody(output, match.index + whole.length, tag);
      if (!current.failed) failed++;
      current.failed = true;
      const message = decodeEntities(attributes.message ?? "").trim();
      const text = decodeEntities(body).trim();
      failures.push({
        name: current.name,
        ...(current.file && { file: current.file }),
        message: [message, text].filter(Boolean).join("\n\n"),
        frames: findFrames(text),
      });
    } else if (tag === "skipped" && !closing && current) {
      skipped++;
    }
  }
  return { format: "junit", failures, counts: { passed: total - failed - skipped, failed } };
}

/** pytest names its one suite "pytest"; node:test's top level has none. Neither helps a reader. */
function isMeaningfulSuite(name: string): boolean {
  return name !== "" && name !== "pytest";
}

function readAttributes(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of text.matchAll(/([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    attributes[match[1]!] = decodeEntities(match[2] ?? match[3] ?? "");
  }
  return attributes;
}

function readBody(output: string, start: number, tag: string): string {
  const end = output.indexOf(`</${tag}>`, start);
  const body = output.slice(start, end < 0 ? undefined : end);
  return body.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, "$1");
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (entity, code: string) => {
    if (code[0] === "#") {
      const point =
        code[1] === "x" || code[1] === "X" ? Number.parseInt(code.slice(2), 16) : Number(code.slice(1));
      return Number.isFinite(point) ? String.fromCodePoint(point) : entity;
    }
    return { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" }[code.toLowerCase()] ?? entity;
  });
}
