import { appendFileSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeRecord } from "./make-test-run.js";
import {
  EVALS_DIR,
  findLastRun,
  makeRunId,
  openResultsWriter,
  type RunHeader,
  resultsPath,
  runDirOf,
  scanResults,
  trimResults,
  writeRunHeader,
} from "./results-store.js";
import type { ResultRecord } from "./run-types.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "specprompt-results-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const header = (id: string, status: RunHeader["status"] = "complete"): RunHeader => ({
  format: 1,
  id,
  status,
  pid: 1,
  startedAt: "2026-11-21T10:00:00.000Z",
  package: { name: "qa", version: "1.0.0" },
  fingerprint: { cases: "c", current: "t", models: ["openai:a"] },
  total: 3,
});

describe("results.jsonl", () => {
  it("keeps every appended record, one per line, and scans them back with their places", async () => {
    const dir = runDirOf(root, "run-1");
    const writer = await openResultsWriter(dir);
    for (const i of [0, 1, 2]) await writer.append(makeRecord(i));
    await writer.close();
    const seen: Array<[number, number]> = [];
    const length = scanResults(dir, (record, location) => seen.push([record.caseIndex, location.offset]));
    expect(seen.map(([index]) => index)).toEqual([0, 1, 2]);
    const text = readFileSync(resultsPath(dir), "utf8");
    expect(length).toBe(Buffer.byteLength(text));
    expect(JSON.parse(text.slice(seen[1]![1]).split("\n")[0]!)).toMatchObject({ caseIndex: 1 });
  });

  it("skips a torn last line (a killed run) and trimming it lets appends start on a fresh line", async () => {
    const dir = runDirOf(root, "run-1");
    const writer = await openResultsWriter(dir);
    await writer.append(makeRecord(0));
    await writer.close();
    appendFileSync(resultsPath(dir), '{"key":"current|openai:gpt-4o-mini|cases.yaml#1|0","side":"cur');
    const records: ResultRecord[] = [];
    const length = scanResults(dir, (record) => records.push(record));
    expect(records).toHaveLength(1);
    trimResults(dir, length);
    const again = await openResultsWriter(dir);
    await again.append(makeRecord(1));
    await again.close();
    const indexes: number[] = [];
    scanResults(dir, (record) => indexes.push(record.caseIndex));
    expect(indexes).toEqual([0, 1]);
  });

  it("reads records across the 1 MB chunks it scans in", async () => {
    const dir = runDirOf(root, "run-1");
    const writer = await openResultsWriter(dir);
    for (let i = 0; i < 300; i++) await writer.append(makeRecord(i, { output: "y".repeat(10_000) }));
    await writer.close();
    let count = 0;
    scanResults(dir, (record) => {
      expect(record.output).toHaveLength(10_000);
      count++;
    });
    expect(count).toBe(300);
  });

  it("scans nothing when the run wrote no result yet", () => {
    expect(scanResults(runDirOf(root, "none"), () => {})).toBe(0);
  });
});

describe("findLastRun", () => {
  it("finds the newest run with a readable header", async () => {
    await writeRunHeader(runDirOf(root, "20261121T090000Z-aaaaaa"), header("20261121T090000Z-aaaaaa"));
    await writeRunHeader(
      runDirOf(root, "20261121T100000Z-bbbbbb"),
      header("20261121T100000Z-bbbbbb", "interrupted"),
    );
    await mkdir(runDirOf(root, "20261121T110000Z-cccccc"), { recursive: true });
    await writeFile(join(runDirOf(root, "20261121T110000Z-cccccc"), "run.json"), "{ torn");
    expect(findLastRun(root)?.header).toMatchObject({ id: "20261121T100000Z-bbbbbb", status: "interrupted" });
  });

  it("finds nothing in a package that never ran an eval", () => {
    expect(findLastRun(root)).toBeUndefined();
    expect(EVALS_DIR).toBe(".specprompt/evals");
  });
});

describe("makeRunId", () => {
  it("sorts by time", () => {
    const a = makeRunId(new Date("2026-11-21T09:59:59.999Z"), () => 0.99);
    const b = makeRunId(new Date("2026-11-21T10:00:00Z"), () => 0);
    expect(a).toBe("20261121T095959Z-fd70a3");
    expect(b).toBe("20261121T100000Z-000000");
    expect([b, a].sort()).toEqual([a, b]);
  });
});
