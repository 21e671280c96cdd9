import { describe, expect, it } from "vitest";
import { compareVersions, createPairing } from "./compare-runs.js";
import { makeFailure, makeRecord, writeTestRun } from "./make-test-run.js";
import { baselineName, formatCost, formatTextReport, oneLine } from "./report-text.js";

describe("formatTextReport", () => {
  it("shows the table, failures by assertion, the failing cases and the gate", async () => {
    const result = await writeTestRun([makeRecord(0), makeFailure(1, "expected 4, got 5"), makeRecord(2)], {
      threshold: 0.9,
      gate: "failed",
    });
    const text = formatTextReport(result);
    expect(text).toMatch(/^qa@1\.1\.0: 3 results · run 20261121T100000Z-abcdef\n/);
    expect(text).toMatch(/openai:gpt-4o-mini\s+66\.7%\s+2\s+1\s+101ms\s+102ms/);
    expect(text).toContain("failures by assertion: equals 1\n");
    expect(text).toContain("  ✗ cases.yaml#1 case 1: equals: expected 4, got 5\n");
    expect(text).toContain("threshold 90.0%: FAILED (pass rate 66.7%)\n");
  });

  it("lists ten failing cases and counts the rest", async () => {
    const result = await writeTestRun(Array.from({ length: 14 }, (_, i) => makeFailure(i, `wrong ${i}`)));
    const text = formatTextReport(result);
    expect(text.match(/ {2}✗ /g)).toHaveLength(10);
    expect(text).toContain("... and 4 more (--html or --json for all)");
  });

  it("never lets control characters from model output reach the terminal", async () => {
    const result = await writeTestRun([makeFailure(0, "got \u001b[2J\u001b]0;pwned\u0007 here")]);
    const text = formatTextReport(result);
    expect(text).not.toMatch(/\u001b|\u0007/);
    expect(text).toContain("got ·[2J·]0;pwned· here");
  });

  it("reports the comparison: pass rates, changed cases, costs, latency and the verdict", async () => {
    const records = [
      ...Array.from({ length: 6 }, (_, i) => makeRecord(i, { side: "baseline" })),
      ...Array.from({ length: 6 }, (_, i) => makeFailure(i, "now wrong")),
    ];
    const pairing = createPairing();
    for (const record of records) pairing.add(record);
    const base = await writeTestRun(records);
    const compare = compareVersions({
      pairing,
      baseline: base.baselineSummary!,
      current: base.summary,
      label: { label: "qa@1.0.0 (abc1234)", name: "qa", version: "1.0.0", source: "git" },
    });
    const text = formatTextReport({ ...base, compare, status: "failed" });
    expect(text).toContain("compared with qa@1.0.0 (abc1234), 6 pairs:\n");
    expect(text).toContain("  pass rate  100.0% → 0.0% (-100.0 points)\n");
    expect(text).toContain("  newly failing (6):\n");
    expect(text).toContain("  newly passing: none\n");
    expect(text).toContain("  verdict    REGRESSION (exact McNemar p = 0.031, α = 0.05)\n");
    expect(text).toMatch(/openai:gpt-4o-mini \(old\)\s+100\.0%/);
  });
});

describe("helpers", () => {
  it("puts untrusted text on one short line", () => {
    expect(oneLine("a\n\tb\u0000c", 80)).toBe("a b·c");
    expect(oneLine("x".repeat(200), 10)).toBe(`${"x".repeat(9)}…`);
  });

  it("shows a tiny cost as below a hundredth of a cent, not as zero", () => {
    expect(formatCost(0.00001)).toBe("<$0.0001");
    expect(formatCost(0)).toBe("$0.0000");
    expect(formatCost(undefined)).toBeUndefined();
  });

  it("names a baseline by its label, adding the release when the label is a folder or ref", () => {
    expect(baselineName({ label: "qa@1.0.0 (abc1234)", name: "qa", version: "1.0.0" })).toBe(
      "qa@1.0.0 (abc1234)",
    );
    expect(baselineName({ label: "../old", name: "qa", version: "1.0.0" })).toBe("../old = qa@1.0.0");
  });
});
