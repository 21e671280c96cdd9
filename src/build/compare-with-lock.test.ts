import { describe, expect, it } from "vitest";
import { formatComparison } from "../cli/format-comparison.js";
import type { Lock } from "../lock/lock-schema.js";
import { compareWithLock } from "./compare-with-lock.js";
import { makeLock, makePackage, makeUnit } from "./make-test-package.js";

function previousLock(): Lock {
  const lock = makeLock(makePackage({ units: [makeUnit("a"), makeUnit("b"), makeUnit("c")] }));
  lock.units.a = { ...lock.units.a!, tokens: { input: 10_000, output: 3_000 }, cost: 0.01, iterations: 1 };
  lock.units.b = { ...lock.units.b!, tokens: { input: 2_300, output: 1_100 }, cost: 0.0023, iterations: 3 };
  lock.build.validation = {
    command: "node --test",
    passed: true,
    exitCode: 0,
    tests: { passed: 11, failed: 1 },
  };
  lock.build.durationMs = 41_200;
  return lock;
}

describe("compareWithLock", () => {
  it("compares the units that changed model, before from the lock and after from this build", () => {
    const comparison = compareWithLock(
      previousLock(),
      [
        {
          name: "a",
          model: "anthropic:claude-sonnet-4-5",
          tokens: { input: 8_000, output: 2_000 },
          cost: 0.05,
          iterations: 1,
        },
        {
          name: "b",
          model: "anthropic:claude-sonnet-4-5",
          tokens: { input: 2_000, output: 1_000 },
          cost: 0.02,
          iterations: 1,
        },
        // Same model as its entry: not part of the comparison.
        { name: "c", model: "openai:gpt-4o-mini", tokens: { input: 1, output: 1 }, cost: 0, iterations: 1 },
      ],
      { passed: true, tests: { passed: 12, failed: 0 }, durationMs: 12_000 },
    );
    expect(comparison).toEqual({
      units: ["a", "b"],
      before: {
        models: ["openai:gpt-4o-mini"],
        passed: true,
        tests: { passed: 11, failed: 1 },
        iterations: 3,
        tokens: { input: 12_300, output: 4_100 },
        cost: 0.0123,
        durationMs: 41_200,
      },
      after: {
        models: ["anthropic:claude-sonnet-4-5"],
        passed: true,
        tests: { passed: 12, failed: 0 },
        iterations: 1,
        tokens: { input: 10_000, output: 3_000 },
        cost: 0.07,
        durationMs: 12_000,
      },
    });
  });

  it("has nothing to compare without a lock or when no unit changed model", () => {
    const unchanged = [
      { name: "a", model: "openai:gpt-4o-mini", tokens: { input: 1, output: 1 }, iterations: 1 },
    ];
    expect(compareWithLock(previousLock(), unchanged, { durationMs: 1 })).toBeUndefined();
    expect(compareWithLock(undefined, unchanged, { durationMs: 1 })).toBeUndefined();
  });

  it("leaves the cost unknown when a unit's price is", () => {
    const comparison = compareWithLock(
      previousLock(),
      [{ name: "a", model: "ollama:llama3", tokens: { input: 1, output: 1 }, iterations: 2 }],
      { durationMs: 5 },
    );
    expect(comparison?.after.cost).toBeUndefined();
    expect(comparison?.before.cost).toBe(0.01);
  });
});

describe("formatComparison", () => {
  it("prints an aligned before / after / change table", () => {
    const comparison = compareWithLock(
      previousLock(),
      [
        {
          name: "a",
          model: "anthropic:claude-sonnet-4-5",
          tokens: { input: 8_000, output: 2_000 },
          cost: 0.05,
          iterations: 1,
        },
        {
          name: "b",
          model: "anthropic:claude-sonnet-4-5",
          tokens: { input: 2_000, output: 1_000 },
          cost: 0.02,
          iterations: 1,
        },
      ],
      { passed: true, tests: { passed: 12, failed: 0 }, durationMs: 12_000 },
    )!;
    expect(formatComparison(comparison)).toBe(
      [
        "compared with specprompt.lock (2 units): openai:gpt-4o-mini → anthropic:claude-sonnet-4-5",
        "                  before    after     change",
        "  tests passing   11/12     12/12     +1",
        "  iterations      3         1         -2",
        "  tokens in       12.3k     10.0k     -2.3k (-19%)",
        "  tokens out      4.1k      3.0k      -1.1k (-27%)",
        "  cost            $0.0123   $0.0700   +$0.0577 (+469%)",
        "  time            41.2s     12.0s     -29.2s (-71%)",
      ].join("\n"),
    );
  });

  it("shows unknown figures as a dash and unchanged ones as ±0", () => {
    const lock = previousLock();
    lock.build.validation = undefined;
    lock.build.durationMs = undefined;
    const comparison = compareWithLock(
      lock,
      [{ name: "b", model: "ollama:llama3", tokens: { input: 2_300, output: 1_100 }, iterations: 3 }],
      { passed: false, durationMs: 900 },
    )!;
    expect(formatComparison(comparison).split("\n").slice(2)).toEqual([
      "  tests passing   —         failing   —",
      "  iterations      3         3         ±0",
      "  tokens in       2.3k      2.3k      ±0",
      "  tokens out      1.1k      1.1k      ±0",
      "  cost            $0.0023   —         —",
      "  time            —         900ms     —",
    ]);
  });
});
