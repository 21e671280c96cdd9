import { describe, expect, it } from "vitest";
import { compareVersions, createPairing, failureReason } from "./compare-runs.js";
import { makeFailure, makeRecord } from "./make-test-run.js";
import { createSideSummaries } from "./results-summary.js";
import type { ResultRecord } from "./run-types.js";

const label = { label: "old", name: "qa", version: "1.0.0", source: "folder" as const };

function compare(records: ResultRecord[]) {
  const pairing = createPairing();
  const sides = createSideSummaries();
  for (const record of records) {
    pairing.add(record);
    sides.add(record);
  }
  return compareVersions({
    pairing,
    baseline: sides.summary("baseline"),
    current: sides.summary("current"),
    label,
  });
}

describe("createPairing", () => {
  it("pairs the same case, repeat and model position whichever version finishes first", () => {
    const pairing = createPairing();
    pairing.add(makeFailure(0, "broke"));
    pairing.add(makeRecord(1, { side: "baseline" }));
    pairing.add(makeRecord(0, { side: "baseline" }));
    pairing.add(makeRecord(1, { repeat: 1 }));
    expect(pairing.counts.pairs).toBe(1);
    expect(pairing.newlyFailing).toEqual([
      {
        caseId: "cases.yaml#0",
        description: "case 0",
        repeat: 0,
        model: "openai:gpt-4o-mini",
        reason: "equals: broke",
      },
    ]);
    pairing.add(makeRecord(1));
    expect(pairing.counts).toEqual({ pairs: 2, bothPass: 1, bothFail: 0 });
  });

  it("records why a newly passing case failed before", () => {
    const pairing = createPairing();
    pairing.add(makeFailure(3, "was wrong", { side: "baseline" }));
    pairing.add(makeRecord(3));
    expect(pairing.newlyPassing[0]?.reason).toBe("equals: was wrong");
  });
});

describe("compareVersions", () => {
  it("calls six newly failing cases of eight a regression, with the pass-rate change and p-value", () => {
    const records = [
      ...Array.from({ length: 8 }, (_, i) =>
        makeRecord(i, { side: "baseline", cost: 0.001, latencyMs: 100 }),
      ),
      ...Array.from({ length: 8 }, (_, i) =>
        i < 6
          ? makeFailure(i, "no", { cost: 0.002, latencyMs: 300 })
          : makeRecord(i, { cost: 0.002, latencyMs: 300 }),
      ),
    ];
    const report = compare(records);
    expect(report).toMatchObject({
      pairs: 8,
      passRate: { baseline: 1, current: 0.25, change: -0.75 },
      verdict: "regression",
      cost: { baseline: 0.008, current: 0.016, change: 0.008 },
      latencyMs: { p50: { baseline: 100, current: 300, change: 200 } },
    });
    expect(report.pValue).toBeCloseTo(0.03125, 12);
    expect(report.newlyFailing.map((change) => change.caseId)).toEqual(
      Array.from({ length: 6 }, (_, i) => `cases.yaml#${i}`),
    );
  });

  it("sees no significant change when as many cases broke as were fixed", () => {
    const records = [
      makeRecord(0, { side: "baseline" }),
      makeFailure(0, "x"),
      makeFailure(1, "y", { side: "baseline" }),
      makeRecord(1),
    ];
    expect(compare(records)).toMatchObject({ verdict: "no significant change", pValue: 1 });
  });

  it("lists changed cases in case-file order, case 10 after case 9", () => {
    const records = [10, 9, 2].flatMap((i) => [makeRecord(i, { side: "baseline" }), makeFailure(i, "x")]);
    expect(compare(records).newlyFailing.map((change) => change.caseId)).toEqual([
      "cases.yaml#2",
      "cases.yaml#9",
      "cases.yaml#10",
    ]);
  });
});

describe("failureReason", () => {
  it("prefers the error, then the first weighted failed assertion", () => {
    expect(failureReason(makeRecord(0, { error: "HTTP 500", pass: false }))).toBe("HTTP 500");
    const assertions = [
      { type: "latency", pass: false, score: 0, weight: 0, reason: "slow" },
      { type: "equals", pass: false, score: 0, weight: 1, reason: "wrong" },
    ];
    expect(failureReason(makeRecord(0, { pass: false, assertions }))).toBe("equals: wrong");
    expect(failureReason(makeRecord(0, { pass: false, assertions: [] }))).toBe(
      "score below the case threshold",
    );
  });
});
