/**
 * Reports walk a run's results in case order (results.jsonl is in completion order) without
 * holding them: an index of where each record is, then one positional read per record.
 */
import { openResultsReader, type RecordLocation, scanResults } from "./results-store.js";
import type { ResultRecord } from "./run-types.js";

/** One case × repeat × model position, with where each version's record is. */
export interface ResultRow {
  caseIndex: number;
  repeat: number;
  modelIndex: number;
  current?: RecordLocation;
  baseline?: RecordLocation;
}

export interface LoadedRow {
  current?: ResultRecord;
  baseline?: ResultRecord;
}

/** The rows of a run, sorted by case, repeat and model position. */
export function indexResultRows(runDir: string): ResultRow[] {
  const rows = new Map<string, ResultRow>();
  scanResults(runDir, (record, location) => {
    const key = `${record.caseIndex}|${record.repeat}|${record.modelIndex}`;
    let row = rows.get(key);
    if (!row) {
      row = { caseIndex: record.caseIndex, repeat: record.repeat, modelIndex: record.modelIndex };
      rows.set(key, row);
    }
    row[record.side] = location;
  });
  return [...rows.values()].sort(
    (a, b) => a.caseIndex - b.caseIndex || a.repeat - b.repeat || a.modelIndex - b.modelIndex,
  );
}

/** Reads the rows' records one at a time, in order. */
export function* readRows(runDir: string, rows: readonly ResultRow[]): Generator<LoadedRow> {
  if (rows.length === 0) return;
  const reader = openResultsReader(runDir);
  try {
    for (const row of rows) {
      yield {
        ...(row.current && { current: reader.read(row.current) }),
        ...(row.baseline && { baseline: reader.read(row.baseline) }),
      };
    }
  } finally {
    reader.close();
  }
}

/** The JSON text of one version's records, in row order (what `--json` prints, without re-encoding). */
export function* readRowTexts(
  runDir: string,
  rows: readonly ResultRow[],
  side: "current" | "baseline",
): Generator<string> {
  const mine = rows.filter((row) => row[side] !== undefined);
  if (mine.length === 0) return;
  const reader = openResultsReader(runDir);
  try {
    for (const row of mine) yield reader.readText(row[side]!);
  } finally {
    reader.close();
  }
}

/** Writes text to a stream, waiting for it to drain when it asks to (a pipe to a slow reader). */
export async function writeChunk(stream: { write(text: string): unknown }, text: string): Promise<void> {
  const ok = stream.write(text);
  const emitter = stream as { once?: (event: string, listener: () => void) => unknown };
  if (ok === false && typeof emitter.once === "function") {
    await new Promise<void>((resolve) => emitter.once!("drain", resolve));
  }
}
