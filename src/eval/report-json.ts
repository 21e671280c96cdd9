/**
 * `eval --json`: one JSON document, streamed record by record so 20,000 results never become one
 * string. `results` holds the evaluated version's records in case order; when comparing,
 * `baselineResults` holds the other version's.
 */
import { indexResultRows, readRowTexts, writeChunk } from "./report-rows.js";
import { resultsPath } from "./results-store.js";
import type { EvalResult } from "./run-types.js";

const BATCH_CHARS = 64 * 1024;

/** Writes the whole report to `out`. */
export async function writeJsonReport(
  result: EvalResult,
  out: { write(text: string): unknown },
): Promise<void> {
  const head = JSON.stringify({ ...result, resultsFile: resultsPath(result.runDir) }, null, 2);
  const rows = indexResultRows(result.runDir);
  let text = `${head.slice(0, head.lastIndexOf("}")).trimEnd()},\n`;
  const lists: Array<["results" | "baselineResults", "current" | "baseline"]> = [["results", "current"]];
  if (result.compare) lists.push(["baselineResults", "baseline"]);
  for (const [index, [name, side]] of lists.entries()) {
    text += `  "${name}": [`;
    let first = true;
    for (const line of readRowTexts(result.runDir, rows, side)) {
      text += `${first ? "\n" : ",\n"}    ${line}`;
      first = false;
      if (text.length >= BATCH_CHARS) {
        await writeChunk(out, text);
        text = "";
      }
    }
    text += `${first ? "" : "\n  "}]${index < lists.length - 1 ? "," : ""}\n`;
  }
  await writeChunk(out, `${text}}\n`);
}
