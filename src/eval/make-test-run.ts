/** Test support: a finished run on disk (results.jsonl and the EvalResult), for the report tests. */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openResultsWriter } from "./results-store.js";
import { createSideSummaries } from "./results-summary.js";
import type { EvalResult, ResultRecord } from "./run-types.js";

/** A passing record of case `index` on `openai:gpt-4o-mini`; override any field. */
export function makeRecord(index: number, fields: Partial<ResultRecord> = {}): ResultRecord {
  const side = fields.side ?? "current";
  const model = fields.model ?? "openai:gpt-4o-mini";
  const repeat = fields.repeat ?? 0;
  return {
    key: `${side}|${model}|cases.yaml#${index}|${repeat}`,
    side,
    caseId: `cases.yaml#${index}`,
    caseIndex: index,
    file: "cases.yaml",
    description: `case ${index}`,
    vars: { n: index },
    repeat,
    model,
    modelIndex: 0,
    output: `answer ${index}`,
    pass: true,
    score: 1,
    assertions: [{ type: "contains", pass: true, score: 1, weight: 1, reason: "found" }],
    latencyMs: 100 + index,
    usage: { inputTokens: 10, outputTokens: 5 },
    cost: 0.0001,
    cached: false,
    ...fields,
  };
}

/** A failing record: one failed `equals` assertion with `reason`. */
export function makeFailure(index: number, reason: string, fields: Partial<ResultRecord> = {}): ResultRecord {
  return makeRecord(index, {
    pass: false,
    score: 0,
    assertions: [{ type: "equals", pass: false, score: 0, weight: 1, reason }],
    ...fields,
  });
}

/** Writes the records (in the order given, as a run finishes them) and returns the run's result. */
export async function writeTestRun(
  records: ResultRecord[],
  fields: Partial<EvalResult> = {},
): Promise<EvalResult> {
  const runDir = join(await mkdtemp(join(tmpdir(), "specprompt-report-")), "run");
  const writer = await openResultsWriter(runDir);
  const summaries = createSideSummaries();
  for (const record of records) {
    await writer.append(record);
    summaries.add(record);
  }
  await writer.close();
  const models = [...new Set(records.filter((r) => r.side === "current").map((record) => record.model))];
  const baseline = records.some((record) => record.side === "baseline");
  return {
    runId: "20261121T100000Z-abcdef",
    runDir,
    package: { name: "qa", version: "1.1.0", dir: "/pkg" },
    models,
    gate: "none",
    status: "passed",
    summary: summaries.summary("current", models),
    ...(baseline && { baselineSummary: summaries.summary("baseline") }),
    calls: {
      calls: records.length,
      cached: 0,
      attempts: records.length,
      retries: 0,
      rateLimited: 0,
      spent: { tokens: { input: 0, output: 0 } },
    },
    resumed: 0,
    durationMs: 1234,
    warnings: [],
    ...fields,
  };
}
