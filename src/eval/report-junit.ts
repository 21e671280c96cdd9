/**
 * `eval --junit F`: JUnit XML for CI test views. One testsuite per model with a testcase per
 * case and repeat of the evaluated version; when comparing, one more testsuite whose single
 * testcase fails on a regression and lists the newly failing cases.
 */
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { failureReason } from "./compare-runs.js";
import { indexResultRows, readRows, writeChunk } from "./report-rows.js";
import type { EvalResult, ResultRecord } from "./run-types.js";

/** Writes the report to `path` (its folder is created). */
export async function writeJunitReport(result: EvalResult, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  const closed = new Promise<void>((resolve, reject) => {
    out.on("finish", resolve);
    out.on("error", reject);
  });
  const name = `${result.package.name}@${result.package.version}`;
  const { summary } = result;
  const _suites = Object.keys(summary.byModel).length + (result.compare ? 1 : 0);
  await writeChunk(
    out,
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${attr(`specprompt eval ${name}`)}" tests="${summary.total + (result.compare ? 1 : 0)}" failures="${summary.failed - summary.errors + (result.compare?.verdict === "regression" ? 1 : 0)}" errors="${summary.errors}" time="${seconds(result.durationMs)}">\n`,
  );
  const rows = indexResultRows(result.runDir);
  for (const [model, modelSummary] of Object.entries(summary.byModel)) {
    await writeChunk(
      out,
      `  <testsuite name="${attr(`${name} ${model}`)}" tests="${modelSummary.total}" failures="${modelSummary.failed - modelSummary.errors}" errors="${modelSummary.errors}">\n`,
    );
    let batch = "";
    const mine = rows.filter((row) => row.current && row.modelIndex === result.models.indexOf(model));
    for (const row of readRows(result.runDir, mine)) {
      batch += testcase(row.current!);
      if (batch.length > 64 * 1024) {
        await writeChunk(out, batch);
        batch = "";
      }
    }
    await writeChunk(out, `${batch}  </testsuite>\n`);
  }
  if (result.compare) {
    const compare = result.compare;
    const title = `no regression against ${compare.baseline.label}`;
    let body = "";
    if (compare.verdict === "regression") {
      const listed = compare.newlyFailing
        .map((change) => `${change.caseId} [${change.model}]: ${change.reason}`)
        .join("\n");
      body = `      <failure message="${attr(`regression: ${compare.newlyFailing.length} newly failing, ${compare.newlyPassing.length} newly passing, p = ${compare.pValue.toPrecision(3)}`)}">${text(listed)}</failure>\n`;
    }
    await writeChunk(
      out,
      `  <testsuite name="${attr(`${name} compared with ${compare.baseline.label}`)}" tests="1" failures="${compare.verdict === "regression" ? 1 : 0}" errors="0">\n    <testcase classname="compare" name="${attr(title)}">\n${body}    </testcase>\n  </testsuite>\n`,
    );
  }
  out.end("</testsuites>\n");
  await closed;
}

function testcase(record: ResultRecord): string {
  const repeat = record.repeat > 0 ? ` (repeat ${record.repeat + 1})` : "";
  const name = record.description === undefined ? record.caseId : `${record.description} [${record.caseId}]`;
  const head = `    <testcase classname="${attr(record.file)}" name="${attr(`${name}${repeat}`)}" time="${seconds(record.latencyMs)}"`;
  if (record.pass) return `${head}/>\n`;
  const details = [
    ...record.assertions
      .filter((assertion) => !assertion.pass)
      .map((assertion) => `${assertion.type}: ${assertion.reason}`),
    "",
    "output:",
    record.output,
  ].join("\n");
  const kind = record.error !== undefined ? "error" : "failure";
  return `${head}>\n      <${kind} message="${attr(failureReason(record))}">${text(record.error !== undefined ? record.error : details)}</${kind}>\n    </testcase>\n`;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

// Characters XML 1.0 cannot hold at all, even escaped (model output may contain any of them).
const INVALID_XML =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text content: escaped, with characters XML cannot hold replaced by U+FFFD. */
export function text(value: string): string {
  return value
    .replace(INVALID_XML, "\ufffd")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

/** An attribute value: escaped like text, quotes and line breaks too. */
export function attr(value: string): string {
  return text(value)
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;")
    .replace(/\t/g, "&#9;");
}
