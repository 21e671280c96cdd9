/**
 * Summaries computed as results arrive, so a run of any size keeps only counters and one number
 * per result (its latency, for the percentiles).
 */
import type { ResultRecord, Side, SideSummary, Summary } from "./run-types.js";

export interface SummaryBuilder {
  add(record: ResultRecord): void;
  summary(): Summary;
}

/** Counts one stream of results. */
export function createSummaryBuilder(): SummaryBuilder {
  let total = 0;
  let passed = 0;
  let errors = 0;
  let cachedCalls = 0;
  let cost: number | undefined;
  const tokens = { input: 0, output: 0 };
  const failures: Record<string, number> = {};
  let latencies = new Float64Array(256);

  return {
    add(record) {
      if (total === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[total] = record.latencyMs;
      total++;
      if (record.pass) passed++;
      if (record.error !== undefined) {
        errors++;
        failures.error = (failures.error ?? 0) + 1;
      }
      for (const assertion of record.assertions) {
        if (!assertion.pass) failures[assertion.type] = (failures[assertion.type] ?? 0) + 1;
      }
      if (record.cached) cachedCalls++;
      tokens.input += record.usage.inputTokens + (record.grading?.usage.inputTokens ?? 0);
      tokens.output += record.usage.outputTokens + (record.grading?.usage.outputTokens ?? 0);
      for (const part of [record.cost, record.grading?.cost]) {
        if (part !== undefined) cost = roundUsd((cost ?? 0) + part);
      }
    },
    summary() {
      const sorted = latencies.slice(0, total).sort();
      return {
        total,
        passed,
        failed: total - passed,
        errors,
        passRate: total === 0 ? 1 : passed / total,
        failuresByAssertion: sortByCount(failures),
        latencyMs: { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95) },
        tokens: { ...tokens },
        ...(cost !== undefined && { cost }),
        cachedCalls,
      };
    },
  };
}

/** One summary per side, each with a breakdown per model. */
export function createSideSummaries() {
  const sides = new Map<Side, { all: SummaryBuilder; byModel: Map<string, SummaryBuilder> }>();
  return {
    add(record: ResultRecord) {
      let side = sides.get(record.side);
      if (!side) {
        side = { all: createSummaryBuilder(), byModel: new Map() };
        sides.set(record.side, side);
      }
      side.all.add(record);
      let model = side.byModel.get(record.model);
      if (!model) {
        model = createSummaryBuilder();
        side.byModel.set(record.model, model);
      }
      model.add(record);
    },
    /** The side's summary; an empty one when it has no result yet. */
    summary(name: Side, models: string[] = []): SideSummary {
      const side = sides.get(name);
      const empty = createSummaryBuilder();
      const byModel: Record<string, Summary> = {};
      for (const model of models) byModel[model] = (side?.byModel.get(model) ?? empty).summary();
      for (const [model, builder] of side?.byModel ?? []) byModel[model] ??= builder.summary();
      return { ...(side?.all ?? empty).summary(), byModel };
    },
  };
}

/** Nearest-rank percentile of sorted values (0 for none). */
export function percentile(sorted: ArrayLike<number>, fraction: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil(fraction * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

function sortByCount(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a, x], [b, y]) => y - x || a.localeCompare(b)));
}

function roundUsd(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
