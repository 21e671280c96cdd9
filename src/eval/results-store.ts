/**
 * Where a run's results live: `.specprompt/evals/<run-id>/run.json` (a small header: what was
 * run, how far it got) and `results.jsonl` (one ResultRecord per line, appended as each job
 * finishes). Nothing else holds results, so a run of 20,000 cases stays in bounded memory and an
 * interrupted run can be continued from what reached the disk.
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync, truncateSync } from "node:fs";
import { type FileHandle, mkdir, open } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic-write.js";
import type { ResultRecord } from "./run-types.js";

/** Folder of eval runs, relative to the package. */
export const EVALS_DIR = ".specprompt/evals";
const HEADER = "run.json";
const RESULTS = "results.jsonl";

/** What identifies a run's plan: resuming needs every part to match. */
export interface RunFingerprint {
  /** sha256 of the loaded cases (vars, assertions, repeats). */
  cases: string;
  /** sha256 of the current version's template, params and model params. */
  current: string;
  /** The same for the version compared against, when comparing. */
  baseline?: string;
  models: string[];
  baselineModels?: string[];
}

export interface RunHeader {
  format: 1;
  id: string;
  status: "running" | "interrupted" | "complete";
  pid: number;
  startedAt: string;
  finishedAt?: string;
  package: { name: string; version: string };
  baseline?: { label: string; name: string; version: string };
  fingerprint: RunFingerprint;
  /** Jobs in the plan. */
  total: number;
}

/** `20261121T094725Z-39b7c1`: sortable by time. */
export function makeRunId(time: Date, random: () => number = Math.random): string {
  const stamp = time.toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "");
  return `${stamp}-${Math.floor(random() * 0x1000000)
    .toString(16)
    .padStart(6, "0")}`;
}

export function runDirOf(pkgDir: string, runId: string): string {
  return join(pkgDir, EVALS_DIR, runId);
}

export async function writeRunHeader(runDir: string, header: RunHeader): Promise<void> {
  await writeFileAtomic(join(runDir, HEADER), `${JSON.stringify(header, null, 2)}\n`);
}

/** The most recent run of a package, or undefined when it has none (or its header is unreadable). */
export function findLastRun(pkgDir: string): { dir: string; header: RunHeader } | undefined {
  let names: string[];
  try {
    names = readdirSync(join(pkgDir, EVALS_DIR));
  } catch {
    return undefined;
  }
  for (const name of names.sort().reverse()) {
    const dir = join(pkgDir, EVALS_DIR, name);
    try {
      const header = JSON.parse(readFileSync(join(dir, HEADER), "utf8")) as RunHeader;
      if (header.format === 1) return { dir, header };
    } catch {
      // A folder without a readable header is not a run we can use.
    }
  }
  return undefined;
}

/** Appends result lines in batches. */
export interface ResultsWriter {
  /** Buffers the line; when the buffer is full, returns the write to wait for (backpressure). */
  append(record: ResultRecord): Promise<unknown> | undefined;
  close(): Promise<void>;
}

const FLUSH_BYTES = 64 * 1024;

export async function openResultsWriter(runDir: string): Promise<ResultsWriter> {
  await mkdir(runDir, { recursive: true });
  const handle: FileHandle = await open(join(runDir, RESULTS), "a");
  let buffer: string[] = [];
  let size = 0;
  let writing: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let failed: { error: unknown } | undefined;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (buffer.length === 0) return writing;
    const data = buffer.join("");
    buffer = [];
    size = 0;
    // The chain never rejects (a timer may have started this write): the error waits for the
    // next append or close.
    writing = writing
      .then(() => handle.appendFile(data))
      .catch((error: unknown) => {
        failed ??= { error };
      });
    return writing;
  };

  return {
    append(record) {
      if (failed) throw failed.error;
      const line = `${JSON.stringify(record)}\n`;
      buffer.push(line);
      size += line.length;
      if (size >= FLUSH_BYTES) return flush();
      if (!timer) {
        timer = setTimeout(flush, 200);
        timer.unref();
      }
      return undefined;
    },
    async close() {
      await flush();
      await handle.close();
      if (failed) throw failed.error;
    },
  };
}

/** Where one record is in results.jsonl. */
export interface RecordLocation {
  offset: number;
  length: number;
}

/**
 * Calls `visit` for every complete line of the run's results, with its place in the file.
 * Returns the byte length of the complete lines (a torn last line, left by a killed run, is not).
 */
export function scanResults(
  runDir: string,
  visit: (record: ResultRecord, location: RecordLocation) => void,
): number {
  let fd: number;
  try {
    fd = openSync(join(runDir, RESULTS), "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw error;
  }
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    let carry = Buffer.alloc(0);
    let position = 0;
    let good = 0;
    for (;;) {
      const read = readSync(fd, chunk, 0, chunk.length, position);
      if (read === 0) break;
      position += read;
      const data =
        carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, read)]) : chunk.subarray(0, read);
      let start = 0;
      for (let end = data.indexOf(10, start); end !== -1; end = data.indexOf(10, start)) {
        const text = data.toString("utf8", start, end);
        try {
          visit(JSON.parse(text) as ResultRecord, { offset: good, length: end - start });
        } catch (error) {
          if (!(error instanceof SyntaxError)) throw error;
          // A damaged line is skipped; its job runs again on resume.
        }
        good += end - start + 1;
        start = end + 1;
      }
      carry = Buffer.from(data.subarray(start));
    }
    return good;
  } finally {
    closeSync(fd);
  }
}

/** Cuts a torn last line off results.jsonl so that appends start on a fresh line. */
export function trimResults(runDir: string, length: number): void {
  try {
    truncateSync(join(runDir, RESULTS), length);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

/** Reads records back by location, for reports that walk results in case order. */
export function openResultsReader(runDir: string) {
  const fd = openSync(join(runDir, RESULTS), "r");
  const readText = (location: RecordLocation): string => {
    const buffer = Buffer.allocUnsafe(location.length);
    readSync(fd, buffer, 0, location.length, location.offset);
    return buffer.toString("utf8");
  };
  return {
    /** The record's line as written: its JSON text. */
    readText,
    read(location: RecordLocation): ResultRecord {
      return JSON.parse(readText(location)) as ResultRecord;
    },
    close() {
      closeSync(fd);
    },
  };
}

export function resultsPath(runDir: string): string {
  return join(runDir, RESULTS);
}
