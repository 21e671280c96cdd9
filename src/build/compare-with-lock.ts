import type { Lock, TokenCount } from "../lock/lock-schema.js";
import { lockedUnit } from "../lock/locked-unit.js";
import type { TestCounts } from "../validate/test-report.js";

/** The figures of one side of a comparison. */
export interface BuildFigures {
  /** The models that made the compared units. */
  models: string[];
  /** Whether validation passed, and the test counts when the runner stated them. */
  passed?: boolean;
  tests?: TestCounts;
  /** The most generation rounds any compared unit took. */
  iterations: number;
  tokens: TokenCount;
  /** Undefined when the price of a model is unknown. */
  cost?: number;
  durationMs?: number;
}

/** `build --model`: the units this build remade with another model, before (the lock) and after. */
export interface ModelComparison {
  units: string[];
  before: BuildFigures;
  after: BuildFigures;
}

/** A unit as this build left it. */
export interface BuiltUnit {
  name: string;
  model: string;
  tokens: TokenCount;
  cost?: number;
  iterations: number;
}

/**
 * Compare the units this build remade with a different model against their lock entries (pure).
 * Undefined when no unit changed model. "Before" time and tests are the previous build's.
 */
export function compareWithLock(
  previous: Lock | undefined,
  built: readonly BuiltUnit[],
  after: { passed?: boolean; tests?: TestCounts; durationMs: number },
): ModelComparison | undefined {
  const pairs = built.flatMap((unit) => {
    const entry = lockedUnit(previous, unit.name);
    return entry && entry.inputs.model !== unit.model ? [{ unit, entry }] : [];
  });
  if (!previous || pairs.length === 0) return undefined;
  return {
    units: pairs.map(({ unit }) => unit.name),
    before: {
      models: unique(pairs.map(({ entry }) => entry.inputs.model)),
      passed: previous.build.validation?.passed,
      tests: previous.build.validation?.tests,
      iterations: Math.max(...pairs.map(({ entry }) => entry.iterations)),
      tokens: sumTokens(pairs.map(({ entry }) => entry.tokens)),
      cost: sumCosts(pairs.map(({ entry }) => entry.cost)),
      durationMs: previous.build.durationMs,
    },
    after: {
      models: unique(pairs.map(({ unit }) => unit.model)),
      passed: after.passed,
      tests: after.tests,
      iterations: Math.max(...pairs.map(({ unit }) => unit.iterations)),
      tokens: sumTokens(pairs.map(({ unit }) => unit.tokens)),
      cost: sumCosts(pairs.map(({ unit }) => unit.cost)),
      durationMs: after.durationMs,
    },
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

function sumTokens(counts: TokenCount[]): TokenCount {
  return counts.reduce(
    (sum, count) => ({ input: sum.input + count.input, output: sum.output + count.output }),
    {
      input: 0,
      output: 0,
    },
  );
}

function sumCosts(costs: (number | undefined)[]): number | undefined {
  if (costs.some((cost) => cost === undefined)) return undefined;
  return Math.round(costs.reduce((sum: number, cost) => sum + cost!, 0) * 1e6) / 1e6;
}
