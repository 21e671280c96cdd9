/**
 * The summary a person reads in the terminal: a table per model (pass rate, latency, tokens,
 * cost), failures by assertion type, the first failing cases, the comparison and the gate.
 * Model output is untrusted: control characters never reach the terminal.
 */
import { formatDuration, formatTokens, formatCost as formatUsd } from "../cli/format.js";
import { failureReason } from "./compare-runs.js";
import { indexResultRows, readRows } from "./report-rows.js";
import type { ChangedCase, EvalResult, ResultRecord, Summary } from "./run-types.js";

/** How many failing cases or changed pairs the text lists before "... and N more". */
const LIST_LIMIT = 10;

export interface TextReportOptions {
  /** Terminal width; long lines are cut. */
  columns?: number;
}

/** The whole text report, ending with a newline. */
export function formatTextReport(result: EvalResult, options: TextReportOptions = {}): string {
  const width = Math.max(60, options.columns ?? 120);
  const lines: string[] = [];
  const { summary } = result;
  const name = `${result.package.name}@${result.package.version}`;
  lines.push(`${name}: ${summary.total} result${summary.total === 1 ? "" : "s"} · run ${result.runId}`);
  lines.push(...formatTable(result));
  const failures = Object.entries(summary.failuresByAssertion);
  if (failures.length > 0) {
    lines.push(`failures by assertion: ${failures.map(([type, count]) => `${type} ${count}`).join(", ")}`);
  }
  lines.push(...listFailing(result));
  if (result.compare) lines.push(...formatCompare(result));
  lines.push(formatCalls(result));
  if (result.threshold !== undefined) {
    const verdict = result.gate === "passed" ? "passed" : "FAILED";
    lines.push(`threshold ${percent(result.threshold)}: ${verdict} (pass rate ${percent(summary.passRate)})`);
  }
  return `${lines.map((line) => clip(line, width)).join("\n")}\n`;
}

function formatTable(result: EvalResult): string[] {
  const header = ["", "pass rate", "passed", "failed", "p50", "p95", "tokens", "cost"];
  const row = (label: string, s: Summary) => [
    label,
    percent(s.passRate),
    String(s.passed),
    String(s.failed),
    formatDuration(s.latencyMs.p50),
    formatDuration(s.latencyMs.p95),
    formatTokens(s.tokens),
    formatCost(s.cost) ?? "—",
  ];
  const rows = [header];
  const models = Object.entries(result.summary.byModel);
  const label = (model: string) => (result.compare ? `${model} (new)` : model);
  for (const [model, s] of models) rows.push(row(label(model), s));
  if (models.length > 1) rows.push(row(result.compare ? "all (new)" : "all", result.summary));
  if (result.baselineSummary) {
    for (const [model, s] of Object.entries(result.baselineSummary.byModel))
      rows.push(row(`${model} (old)`, s));
  }
  const widths = header.map((_, column) => Math.max(...rows.map((cells) => cells[column]!.length)));
  return rows.map(
    (cells) =>
      `  ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ")}`,
  );
}

function listFailing(result: EvalResult): string[] {
  if (result.summary.failed === 0) return [];
  const lines = [`failing (${result.summary.failed}):`];
  let listed = 0;
  for (const row of readRows(result.runDir, indexResultRows(result.runDir))) {
    const record = row.current;
    if (!record || record.pass) continue;
    if (listed++ === LIST_LIMIT) break;
    lines.push(`  ✗ ${caseLabel(record, result.models.length > 1)}: ${oneLine(failureReason(record))}`);
  }
  if (result.summary.failed > LIST_LIMIT) {
    lines.push(`  ... and ${result.summary.failed - LIST_LIMIT} more (--html or --json for all)`);
  }
  return lines;
}

function formatCompare(result: EvalResult): string[] {
  const compare = result.compare!;
  const before = result.baselineSummary!;
  const lines = [
    `compared with ${oneLine(baselineName(compare.baseline))}, ${compare.pairs} pairs:`,
    `  pass rate  ${percent(compare.passRate.baseline)} → ${percent(compare.passRate.current)} (${signed(compare.passRate.change * 100, 1)} points)`,
  ];
  lines.push(...listChanges("newly failing", "✗", compare.newlyFailing));
  lines.push(...listChanges("newly passing", "✓", compare.newlyPassing));
  if (compare.cost.baseline !== undefined || compare.cost.current !== undefined) {
    const change =
      compare.cost.change === undefined
        ? ""
        : ` (${compare.cost.change >= 0 ? "+" : "-"}${formatCost(Math.abs(compare.cost.change))})`;
    lines.push(
      `  cost       ${formatCost(compare.cost.baseline) ?? "—"} → ${formatCost(compare.cost.current) ?? "—"}${change}`,
    );
  }
  lines.push(
    `  latency    p50 ${formatDuration(compare.latencyMs.p50.baseline)} → ${formatDuration(compare.latencyMs.p50.current)}, p95 ${formatDuration(compare.latencyMs.p95.baseline)} → ${formatDuration(compare.latencyMs.p95.current)}`,
  );
  lines.push(`  tokens     ${formatTokens(before.tokens)} → ${formatTokens(result.summary.tokens)}`);
  const verdict = compare.verdict === "regression" ? "REGRESSION" : compare.verdict;
  lines.push(`  verdict    ${verdict} (exact McNemar p = ${formatP(compare.pValue)}, α = ${compare.alpha})`);
  return lines;
}

function listChanges(title: string, mark: string, changes: ChangedCase[]): string[] {
  if (changes.length === 0) return [`  ${title}: none`];
  const lines = [`  ${title} (${changes.length}):`];
  for (const change of changes.slice(0, LIST_LIMIT)) {
    const label = `${change.caseId}${change.description ? ` ${oneLine(change.description, 60)}` : ""}${change.repeat > 0 ? ` (repeat ${change.repeat + 1})` : ""}`;
    lines.push(`    ${mark} ${label} [${change.model}]${mark === "✗" ? `: ${oneLine(change.reason)}` : ""}`);
  }
  if (changes.length > LIST_LIMIT) lines.push(`    ... and ${changes.length - LIST_LIMIT} more`);
  return lines;
}

function formatCalls(result: EvalResult): string {
  const { calls } = result;
  const parts = [`${calls.calls} call${calls.calls === 1 ? "" : "s"}`, `${calls.cached} from cache`];
  if (calls.retries > 0) parts.push(`${calls.retries} retried (${calls.rateLimited} × 429)`);
  if (result.resumed > 0) parts.push(`${result.resumed} resumed`);
  const spent = `${formatTokens(calls.spent.tokens)}${calls.spent.cost !== undefined ? `, ${formatCost(calls.spent.cost)}` : ""}`;
  return `${parts.join(", ")} · spent ${spent} · ${formatDuration(result.durationMs)}`;
}

/** `cases.yaml#3 greets by name (repeat 2) [openai:gpt-4o]`. */
export function caseLabel(record: ResultRecord, withModel: boolean): string {
  const description = record.description ? ` ${oneLine(record.description, 60)}` : "";
  const repeat = record.repeat > 0 ? ` (repeat ${record.repeat + 1})` : "";
  return `${record.caseId}${description}${repeat}${withModel ? ` [${record.model}]` : ""}`;
}

/** Untrusted text on one line: control characters (escape sequences included) shown as `·`. */
export function oneLine(text: string, max = 160): string {
  const flat = text
    .replace(/\s+/g, " ")
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, "·")
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** USD as the CLI shows it, and `<$0.0001` rather than `$0.0000` for a tiny non-zero cost. */
export function formatCost(cost: number | undefined): string | undefined {
  if (cost !== undefined && cost > 0 && cost < 0.0001) return "<$0.0001";
  return formatUsd(cost);
}

/** How the other version is named: `v1 (3f2a1c9) = qa@1.0.0`, or just `qa@1.0.0 (3f2a1c9)`. */
export function baselineName(baseline: { label: string; name: string; version: string }): string {
  const release = `${baseline.name}@${baseline.version}`;
  return baseline.label.startsWith(release) ? baseline.label : `${baseline.label} = ${release}`;
}

export function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

function signed(value: number, digits: number): string {
  return `${value >= 0 ? "+" : ""}${value.toFixed(digits)}`;
}

function formatP(p: number): string {
  return p >= 0.001 ? p.toFixed(3) : p.toExponential(1);
}

function clip(line: string, width: number): string {
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}
