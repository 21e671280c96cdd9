import { describe, expect, it } from "vitest";
import { makeFailure, makeRecord } from "./make-test-run.js";
import { createSideSummaries, createSummaryBuilder, percentile } from "./results-summary.js";

describe("createSummaryBuilder", () => {
  it("counts passes, failures by assertion type, errors, tokens (grader's included) and cost", () => {
    const builder = createSummaryBuilder();
    builder.add(
      makeRecord(0, { cost: 0.001, grading: { usage: { inputTokens: 100, outputTokens: 2 }, cost: 0.0005 } }),
    );
    builder.add(makeFailure(1, "nope", { cost: 0.002 }));
    builder.add(makeRecord(2, { pass: false, score: 0, assertions: [], error: "HTTP 400", cost: undefined }));
    builder.add(makeRecord(3, { cached: true, cost: 0.001 }));
    expect(builder.summary()).toEqual({
      total: 4,
      passed: 2,
      failed: 2,
      errors: 1,
      passRate: 0.5,
      failuresByAssertion: { equals: 1, error: 1 },
      latencyMs: { p50: 101, p95: 103 },
      tokens: { input: 140, output: 22 },
      cost: 0.0045,
      cachedCalls: 1,
    });
  });

  it("has no cost when no result had a price, and a pass rate of 1 when nothing ran", () => {
    const builder = createSummaryBuilder();
    expect(builder.summary()).toMatchObject({ total: 0, passRate: 1, latencyMs: { p50: 0, p95: 0 } });
    builder.add(makeRecord(0, { cost: undefined }));
    expect(builder.summary()).not.toHaveProperty("cost");
  });

  it("keeps every latency past its initial capacity", () => {
    const builder = createSummaryBuilder();
    for (let i = 1; i <= 1000; i++) builder.add(makeRecord(0, { latencyMs: i }));
    expect(builder.summary().latencyMs).toEqual({ p50: 500, p95: 950 });
  });

  it("orders failures by count", () => {
    const builder = createSummaryBuilder();
    builder.add(
      makeFailure(0, "a", { assertions: [{ type: "regex", pass: false, score: 0, weight: 1, reason: "" }] }),
    );
    builder.add(makeFailure(1, "b"));
    builder.add(makeFailure(2, "c"));
    expect(Object.keys(builder.summary().failuresByAssertion)).toEqual(["equals", "regex"]);
  });
});

describe("createSideSummaries", () => {
  it("keeps each version apart, with a breakdown per model that lists models with no result yet", () => {
    const sides = createSideSummaries();
    sides.add(makeRecord(0));
    sides.add(makeFailure(0, "x", { side: "baseline" }));
    const current = sides.summary("current", ["openai:gpt-4o-mini", "openai:gpt-4.1"]);
    expect(current).toMatchObject({ total: 1, passed: 1 });
    expect(current.byModel["openai:gpt-4.1"]).toMatchObject({ total: 0 });
    expect(sides.summary("baseline")).toMatchObject({ total: 1, passed: 0 });
  });
});

describe("percentile", () => {
  it("uses the nearest rank", () => {
    const sorted = [10, 20, 30, 40];
    expect(percentile(sorted, 0.5)).toBe(20);
    expect(percentile(sorted, 0.95)).toBe(40);
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([], 0.5)).toBe(0);
  });
});
