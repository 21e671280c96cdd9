import type { BuildFigures, ModelComparison } from "../build/compare-with-lock.js";
import { formatCost, formatDuration } from "./format.js";

/**
 * The "a better model came out, recompile" report: the lock's figures against this build's, as an
 * aligned table with the change in each row.
 *
 *   compared with specprompt.lock (3 units): openai:gpt-4o-mini → anthropic:claude-sonnet-4-5
 *                    before    after     change
 *     tests passing  11/12     12/12     +1
 *     iterations     3         1         -2
 */
export function formatComparison(comparison: ModelComparison): string {
  const { before, after } = comparison;
  const rows: [string, string, string, string][] = [
    ["tests passing", tests(before), tests(after), delta(passing(before), passing(after), String)],
    [
      "iterations",
      String(before.iterations),
      String(after.iterations),
      delta(before.iterations, after.iterations, String),
    ],
    [
      "tokens in",
      count(before.tokens.input),
      count(after.tokens.input),
      delta(before.tokens.input, after.tokens.input, count, true),
    ],
    [
      "tokens out",
      count(before.tokens.output),
      count(after.tokens.output),
      delta(before.tokens.output, after.tokens.output, count, true),
    ],
    [
      "cost",
      cost(before.cost),
      cost(after.cost),
      delta(before.cost, after.cost, (value) => cost(value), true),
    ],
    [
      "time",
      duration(before.durationMs),
      duration(after.durationMs),
      delta(before.durationMs, after.durationMs, duration, true),
    ],
  ];
  const header: [string, string, string, string] = ["", "before", "after", "change"];
  const widths = [0, 1, 2].map((column) => Math.max(...[header, ...rows].map((row) => row[column]!.length)));
  const line = (row: string[]) =>
    `  ${row.map((cell, column) => (column < 3 ? cell.padEnd(widths[column]!) : cell)).join("   ")}`.trimEnd();
  const units = comparison.units.length === 1 ? "1 unit" : `${comparison.units.length} units`;
  return [
    `compared with specprompt.lock (${units}): ${before.models.join(", ")} → ${after.models.join(", ")}`,
    line(header),
    ...rows.map(line),
  ].join("\n");
}

function passing(figures: BuildFigures): number | undefined {
  return figures.tests?.passed;
}

function tests(figures: BuildFigures): string {
  if (figures.tests) return `${figures.tests.passed}/${figures.tests.passed + figures.tests.failed}`;
  if (figures.passed === undefined) return "—";
  return figures.passed ? "all" : "failing";
}

function count(value: number): string {
  if (Math.abs(value) < 1000) return String(value);
  if (Math.abs(value) < 1_000_000) return `${(value / 1000).toFixed(1)}k`;
  return `${(value / 1_000_000).toFixed(2)}M`;
}

function cost(value: number | undefined): string {
  return formatCost(value === undefined ? undefined : Math.abs(value)) ?? "—";
}

function duration(value: number | undefined): string {
  return value === undefined ? "—" : formatDuration(Math.abs(value));
}

/** `+2`, `-1.2k (-19%)`, `±0`, or `—` when either side is unknown. */
function delta(
  before: number | undefined,
  after: number | undefined,
  format: (value: number) => string,
  percent = false,
): string {
  if (before === undefined || after === undefined) return "—";
  const change = after - before;
  if (Math.abs(change) < 1e-9) return "±0";
  const sign = change > 0 ? "+" : "-";
  const share = percent && before !== 0 ? ` (${sign}${Math.round(Math.abs(change / before) * 100)}%)` : "";
  return `${sign}${format(Math.abs(change))}${share}`;
}
