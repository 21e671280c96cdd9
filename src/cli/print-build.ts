import type { BuildResult } from "../build/build-types.js";
import type { CliIO } from "./command.js";
import { formatCost, formatDuration, formatTokens } from "./format.js";
import { formatComparison } from "./format-comparison.js";

/** The text report of `specprompt build`: what was made, how validation went, what still fails. */
export function printBuildResult(io: CliIO, result: BuildResult): void {
  const target = result.package.target;
  const name = `${result.package.name}@${result.package.version}${target === undefined ? "" : ` (target ${target})`}`;
  for (const warning of result.warnings) io.stderr.write(`warning: ${warning}\n`);
  if (result.failure?.reason === "coverage") {
    printCriteria(io.stderr, result);
    io.stderr.write(
      `build failed: ${result.failure.message}; name a test after each criterion (test("AC-1 …")). No model was asked.\n`,
    );
    return;
  }
  if (result.status === "up-to-date" && result.units.length === 0) {
    io.stdout.write(`${name} is up to date (${result.plan.units.length} units, no model request)\n`);
    return;
  }
  printUnits(io, result, name);
  if (result.validation) io.stdout.write(`${describeValidation(result)}\n`);
  printCriteria(io.stdout, result);
  if (result.comparison) io.stdout.write(`${formatComparison(result.comparison)}\n`);
  if (result.status === "failed") {
    const report = result.validation?.report?.trimEnd();
    if (report) io.stderr.write(`${indent(report)}\n`);
    if (result.failure?.failedDir) {
      io.stderr.write(
        `the last attempt is kept in ${result.failure.failedDir}/ (files/, failures.md, validation.log)\n`,
      );
    }
    io.stderr.write(
      `build failed: ${result.failure?.message ?? "the validation command did not pass"}; the previous output and lock are untouched\n`,
    );
    return;
  }
  const cost = formatCost(result.cost);
  io.stdout.write(
    `wrote ${result.filesWritten} file${result.filesWritten === 1 ? "" : "s"}${result.lockWritten ? " and specprompt.lock" : ""} in ${formatDuration(result.durationMs)}` +
      ` (${formatTokens(result.tokens)}${cost ? `, ${cost}` : ""})\n`,
  );
}

function printUnits(io: CliIO, result: BuildResult, name: string): void {
  const width = Math.max(...result.units.map((unit) => unit.unit.length), 4);
  const restored = result.units.filter((unit) => unit.action === "restore").length;
  const generated = result.units.length - restored;
  const counts = [
    generated > 0 ? `${generated} regenerated` : undefined,
    restored > 0 ? `${restored} restored` : undefined,
  ].filter(Boolean);
  io.stdout.write(`${name}: ${counts.join(", ")} of ${result.plan.units.length} units\n`);
  for (const unit of result.units) {
    const source = unit.cachedRequests === unit.requests ? "from cache" : formatTokens(unit.tokens);
    const cost = formatCost(unit.cost);
    const rounds = unit.iterations > 1 ? `, ${unit.iterations} iterations` : "";
    const why = unit.reasons.length > 0 ? ` — ${unit.reasons.join(", ")}` : "";
    io.stdout.write(
      `  ${unit.unit.padEnd(width)}  ${unit.files.length} file${unit.files.length === 1 ? "" : "s"}, ${source}${cost ? `, ${cost}` : ""}${rounds}${why}\n`,
    );
    for (const refusal of unit.refused) io.stdout.write(`    refused: ${refusal}\n`);
  }
}

/** `validation: node --test passed in 1.2s (12 tests) after 2 iterations` */
function describeValidation(result: BuildResult): string {
  const validation = result.validation!;
  const verdict = validation.passed
    ? "passed"
    : validation.timedOut
      ? "timed out"
      : `failed (exit ${validation.exitCode})`;
  const tests = validation.tests;
  const counts = tests
    ? validation.passed
      ? ` (${tests.passed} test${tests.passed === 1 ? "" : "s"})`
      : ` (${tests.failed} of ${tests.passed + tests.failed} tests failing)`
    : "";
  const rounds = (result.iterations ?? 1) > 1 ? ` after ${result.iterations} iterations` : "";
  return `validation: ${validation.command} ${verdict} in ${formatDuration(validation.durationMs)}${counts}${rounds}`;
}

function printCriteria(stream: CliIO["stdout"], result: BuildResult): void {
  const criteria = result.criteria;
  if (!criteria || criteria.uncovered.length === 0) return;
  const covered = criteria.total - criteria.uncovered.length;
  stream.write(`criteria: ${covered} of ${criteria.total} named by a test; not covered:\n`);
  const width = Math.max(...criteria.uncovered.map((criterion) => criterion.id.length));
  for (const criterion of criteria.uncovered) {
    stream.write(
      `  ${criterion.id.padEnd(width)}  ${criterion.file}:${criterion.line}  ${criterion.title}\n`,
    );
  }
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => (line ? `  ${line}` : line))
    .join("\n");
}
