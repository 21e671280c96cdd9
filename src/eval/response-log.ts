/**
 * The eval response cache: append-only segment files of `<key>\t<response JSON>\t<request JSON>\n`
 * lines under `.specprompt/cache/eval/`, one new segment per process that writes.
 *
 * Why not the build's one-file-per-entry cache: an eval replays thousands of calls, and opening,
 * reading and closing a file per entry costs more than the whole 0.5 s budget for 4,000 cached
 * calls. Here opening the cache reads each segment once and keeps only key → (segment, offset,
 * length); a hit is one positional read and one JSON.parse of the response alone (the request is
 * on the line for people and tools, never parsed back), so memory stays small however many
 * entries there are. A segment per process means no two writers ever share a file (no locks, no
 * interleaved lines), and git merges of a committed cache never conflict: each run adds files.
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync } from "node:fs";
import { type FileHandle, mkdir, open } from "node:fs/promises";
import { join } from "node:path";

/** The eval cache folder, relative to the package. */
export const EVAL_CACHE_DIR = ".specprompt/cache/eval";

export interface ResponseLog {
  /** The stored response for `key`, or undefined (unknown key, or a damaged line). */
  get<T>(key: string): T | undefined;
  /** Stores a response with the request it answers (its canonical JSON text); written in batches, readable at once. */
  put(key: string, response: unknown, request: string): void;
  /** Entries known when opened plus those put since. */
  readonly size: number;
  /** Resolves once everything put so far is on disk. */
  flush(): Promise<void>;
  /** Writes what is pending and closes the files. */
  close(): Promise<void>;
}

const KEY_LENGTH = 64;
const FLUSH_BYTES = 64 * 1024;
const FLUSH_DELAY_MS = 100;
const TAB = 0x09;
const NEWLINE = 0x0a;
const HEX = /^[0-9a-f]{64}$/;

/** Opens (or starts) the log in `dir`; `segmentName` names this process's segment when it writes. */
export async function openResponseLog(
  dir: string,
  options: { segmentName?: string } = {},
): Promise<ResponseLog> {
  const segments: string[] = [];
  const fds: (number | undefined)[] = [];
  // key → index into `places` (segment, offset, length of the response JSON), kept in one typed array.
  const index = new Map<string, number>();
  let places = new Float64Array(3 * 1024);
  let used = 0;
  const remember = (key: string, segment: number, offset: number, length: number) => {
    let slot = index.get(key);
    if (slot === undefined) {
      if (3 * (used + 1) > places.length) {
        const grown = new Float64Array(places.length * 2);
        grown.set(places);
        places = grown;
      }
      slot = used++;
      index.set(key, slot);
    }
    places[3 * slot] = segment;
    places[3 * slot + 1] = offset;
    places[3 * slot + 2] = length;
  };

  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith(".jsonl"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  for (const name of names.sort()) {
    const segment = segments.push(join(dir, name)) - 1;
    indexSegment(readFileSync(segments[segment]!), (key, offset, length) =>
      remember(key, segment, offset, length),
    );
  }

  const pending = new Map<string, { response: string; request: string }>();
  // The batch being written: still answered from memory until its offsets are known.
  let writing = new Map<string, { response: string; request: string }>();
  let own: { handle: FileHandle; segment: number; size: number } | undefined;
  let flushing: Promise<void> = Promise.resolve();
  let pendingBytes = 0;
  let timer: NodeJS.Timeout | undefined;

  const readResponse = (slot: number): string => {
    const segment = places[3 * slot]!;
    let fd = fds[segment];
    if (fd === undefined) {
      fd = openSync(segments[segment]!, "r");
      fds[segment] = fd;
    }
    const length = places[3 * slot + 2]!;
    const buffer = Buffer.allocUnsafe(length);
    const read = readSync(fd, buffer, 0, length, places[3 * slot + 1]!);
    return buffer.toString("utf8", 0, read);
  };

  const flush = async () => {
    if (pending.size === 0) return;
    const batch = [...pending];
    writing = new Map(pending);
    pending.clear();
    pendingBytes = 0;
    if (!own) {
      await mkdir(dir, { recursive: true });
      const path = join(dir, `${options.segmentName ?? `${Date.now()}-${process.pid}`}.jsonl`);
      own = { handle: await open(path, "a"), segment: segments.push(path) - 1, size: 0 };
    }
    const data = Buffer.from(
      batch.map(([key, line]) => `${key}\t${line.response}\t${line.request}\n`).join(""),
    );
    await own.handle.write(data, 0, data.length);
    let offset = own.size;
    for (const [key, line] of batch) {
      const length = Buffer.byteLength(line.response);
      if (!pending.has(key)) remember(key, own.segment, offset + KEY_LENGTH + 1, length);
      offset += KEY_LENGTH + 1 + length + 1 + Buffer.byteLength(line.request) + 1;
    }
    own.size = offset;
    writing = new Map();
  };

  let failed: { error: unknown } | undefined;
  const startFlush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    // The chain never rejects (a timer may have started this write): the error waits for flush or close.
    flushing = flushing.then(flush).catch((error: unknown) => {
      failed ??= { error };
    });
  };

  return {
    get size() {
      let extra = 0;
      for (const key of pending.keys()) if (!index.has(key)) extra++;
      return index.size + extra;
    },
    get<T>(key: string): T | undefined {
      const waiting = pending.get(key) ?? writing.get(key);
      const slot = waiting === undefined ? index.get(key) : undefined;
      if (waiting === undefined && slot === undefined) return undefined;
      try {
        return JSON.parse(waiting?.response ?? readResponse(slot!)) as T;
      } catch {
        // A damaged line is a miss; the next put of that key supersedes it.
        return undefined;
      }
    },
    put(key, response, request) {
      // The request text goes on the line as it is: it must be one line of JSON (no raw tab or newline).
      const line = { response: JSON.stringify(response), request };
      pending.set(key, line);
      pendingBytes += line.response.length + line.request.length;
      // Batched: one write per 64 KB, or after a moment when calls come in slowly.
      if (pendingBytes >= FLUSH_BYTES) startFlush();
      else timer ??= setTimeout(startFlush, FLUSH_DELAY_MS).unref();
    },
    async flush() {
      startFlush();
      await flushing;
      if (failed) throw failed.error;
    },
    async close() {
      startFlush();
      await flushing;
      await own?.handle.close();
      for (const fd of fds) if (fd !== undefined) closeSync(fd);
      fds.length = 0;
      if (failed) throw failed.error;
    },
  };
}

/** Finds every complete, well-formed line of a segment; a torn last line is skipped. */
function indexSegment(data: Buffer, found: (key: string, offset: number, length: number) => void): void {
  let start = 0;
  while (start < data.length) {
    const end = data.indexOf(NEWLINE, start);
    if (end === -1) return;
    const responseStart = start + KEY_LENGTH + 1;
    const responseEnd = responseStart < end ? data.indexOf(TAB, responseStart) : -1;
    if (data[start + KEY_LENGTH] === TAB && responseEnd !== -1 && responseEnd < end) {
      const key = data.toString("latin1", start, start + KEY_LENGTH);
      if (HEX.test(key)) found(key, responseStart, responseEnd - responseStart);
    }
    start = end + 1;
  }
}
