import { headOf, stableText, tailOf } from "./clean-output.js";
import type { TestFailure, TestReport } from "./test-report.js";

/** How much of a failed run a report keeps. */
export interface ReportLimits {
  failures: number;
  messageLines: number;
  messageChars: number;
  frames: number;
  tailLines: number;
  tailChars: number;
}

export const REPORT_LIMITS: ReportLimits = {
  failures: 15,
  messageLines: 25,
  messageChars: 1500,
  frames: 5,
  tailLines: 60,
  tailChars: 4000,
};

export interface FailedRun {
  command: string;
  exitCode: number | null;
  timedOut: boolean;
  timeoutMs: number;
  report: TestReport;
  /** The output, cleaned (paths relative): its end is shown when no failure could be read. */
  output: string;
}

/**
 * A failed validation run in words, for the model and for the person reading the build report:
 * the failing tests with their errors and frames, bounded, or the end of the log when no runner's
 * format was recognised. The text is stable: the same failures give the same report on every run.
 */
export function formatFailureReport(run: FailedRun, limits: ReportLimits = REPORT_LIMITS): string {
  const { report } = run;
  const parts = [headline(run)];
  const shown = report.failures.slice(0, limits.failures);
  for (const [index, failure] of shown.entries()) parts.push(describeFailure(failure, index + 1, limits));
  const rest = report.failures.slice(limits.failures);
  if (rest.length > 0) {
    const names = rest.slice(0, 20).map((failure) => failure.name);
    parts.push(
      `… and ${rest.length} more failing test${rest.length === 1 ? "" : "s"}: ${names.join("; ")}${rest.length > names.length ? "; …" : ""}`,
    );
  }
  if (report.failures.length === 0 || run.timedOut) {
    const tail = stableText(tailOf(run.output, limits.tailLines, limits.tailChars)).trim();
    const lead =
      report.failures.length === 0
        ? `No failing test could be read from the output${report.format ? ` (${report.format})` : ""}; its last lines:`
        : "The last lines of the output before it was stopped:";
    parts.push(tail ? `${lead}\n\n${fence(tail)}` : "The command printed nothing.");
  }
  return `${parts.join("\n\n")}\n`;
}

function headline(run: FailedRun): string {
  const { counts, failures } = run.report;
  const failed = counts ? Math.max(counts.failed, failures.length) : failures.length;
  const tests =
    counts && counts.passed + counts.failed > 0
      ? `${failed} of ${counts.passed + failed} tests failed`
      : failed > 0
        ? `${failed} test${failed === 1 ? "" : "s"} failed`
        : undefined;
  if (run.timedOut) {
    return `\`${run.command}\` did not finish within ${formatSeconds(run.timeoutMs)} and was stopped${tests ? `; ${tests} before that` : ""}.`;
  }
  const exit = run.exitCode === null ? "ended by a signal" : `exit code ${run.exitCode}`;
  return `\`${run.command}\` failed (${exit})${tests ? `: ${tests}` : ""}.`;
}

function describeFailure(failure: TestFailure, number: number, limits: ReportLimits): string {
  const title = `${number}. ${failure.name}${failure.file && !failure.name.startsWith(failure.file) ? ` (${failure.file})` : ""}`;
  const message = headOf(
    stableText(failure.message)
      .split("\n")
      .filter((line) => !/^\s*at /.test(line))
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trim(),
    limits.messageLines,
    limits.messageChars,
  );
  const frames = failure.frames.slice(0, limits.frames).map((frame) => `at ${frame}`);
  const body = [message, ...frames].filter(Boolean).join("\n");
  return body ? `${title}\n${indent(body)}` : title;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => (line ? `   ${line}` : ""))
    .join("\n");
}

function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const marks = "`".repeat(longest + 1);
  return `${marks}\n${text}\n${marks}`;
}

function formatSeconds(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 100) / 10}s`;
}
