import { describe, expect, it } from "vitest";
import { makeFailure, makeRecord, writeTestRun } from "./make-test-run.js";
import { writeJsonReport } from "./report-json.js";

/** A stream that keeps every chunk it is given. */
function capture() {
  const chunks: string[] = [];
  return { chunks, write: (text: string) => chunks.push(text), text: () => chunks.join("") };
}

describe("writeJsonReport", () => {
  it("prints the summary and every result in case order, whatever order they finished in", async () => {
    const result = await writeTestRun([makeRecord(2), makeFailure(0, "wrong"), makeRecord(1)]);
    const out = capture();
    await writeJsonReport(result, out);
    const report = JSON.parse(out.text());
    expect(report.summary).toMatchObject({ total: 3, passed: 2, failed: 1, passRate: 2 / 3 });
    expect(report.results.map((r: { caseId: string }) => r.caseId)).toEqual([
      "cases.yaml#0",
      "cases.yaml#1",
      "cases.yaml#2",
    ]);
    expect(report.results[0]).toMatchObject({
      description: "case 0",
      vars: { n: 0 },
      output: "answer 0",
      pass: false,
    });
    expect(report.resultsFile).toMatch(/results\.jsonl$/);
    expect(report.baselineResults).toBeUndefined();
  });

  it("streams a large report in many chunks rather than one string", async () => {
    const records = Array.from({ length: 600 }, (_, i) => makeRecord(i, { output: "x".repeat(400) }));
    const out = capture();
    await writeJsonReport(await writeTestRun(records), out);
    expect(out.chunks.length).toBeGreaterThan(3);
    expect(Math.max(...out.chunks.map((chunk) => chunk.length))).toBeLessThan(70 * 1024);
    expect(JSON.parse(out.text()).results).toHaveLength(600);
  });

  it("is valid JSON with an empty results list", async () => {
    const out = capture();
    await writeJsonReport(await writeTestRun([]), out);
    expect(JSON.parse(out.text()).results).toEqual([]);
  });
});
