import { appendFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cacheKey } from "../cache/response-cache.js";
import { openResponseLog, type ResponseLog } from "./response-log.js";

let dir: string;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), "specprompt-log-")), "eval");
});
afterEach(async () => {
  await rm(join(dir, ".."), { recursive: true, force: true });
});

const entry = (n: number, text = `answer ${n}`) => ({
  key: cacheKey({ n }),
  request: { n, messages: [{ role: "user", content: `question ${n}\twith a tab` }] },
  response: { text, usage: { inputTokens: n, outputTokens: 1 } },
});

type Entry = ReturnType<typeof entry>;
const put = (log: ResponseLog, e: Entry) => log.put(e.key, e.response, JSON.stringify(e.request));

describe("openResponseLog", () => {
  it("misses every key when the folder does not exist, and creates nothing until a put", async () => {
    const log = await openResponseLog(dir);
    expect(log.get(entry(1).key)).toBeUndefined();
    await log.close();
    expect(() => readdirSync(dir)).toThrow(/ENOENT/);
  });

  it("answers a put at once and from disk after reopening", async () => {
    const log = await openResponseLog(dir);
    put(log, entry(1));
    expect(log.get(entry(1).key)).toEqual(entry(1).response);
    await log.close();

    const again = await openResponseLog(dir);
    expect(again.get(entry(1).key)).toEqual(entry(1).response);
    expect(again.size).toBe(1);
    await again.close();
  });

  it("writes the puts of one turn as lines of one new segment, and reads them all back", async () => {
    const log = await openResponseLog(dir, { segmentName: "run-a" });
    for (let n = 0; n < 500; n++) put(log, entry(n));
    await log.close();
    expect(readdirSync(dir)).toEqual(["run-a.jsonl"]);
    const lines = readFileSync(join(dir, "run-a.jsonl"), "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(500);
    const e = entry(7);
    expect(lines[7]).toBe(`${e.key}\t${JSON.stringify(e.response)}\t${JSON.stringify(e.request)}`);

    const again = await openResponseLog(dir);
    for (const n of [0, 250, 499]) expect(again.get(entry(n).key)).toEqual(entry(n).response);
    await again.close();
  });

  it("finds what an earlier flush of the same process wrote, at the right offset", async () => {
    const log = await openResponseLog(dir);
    put(log, entry(1, "é ünïcode ✓"));
    await log.flush();
    put(log, entry(2));
    await log.flush();
    // Both are answered from the segment now, through the offsets the flushes recorded.
    expect(log.get(entry(1).key)).toEqual(entry(1, "é ünïcode ✓").response);
    expect(log.get(entry(2).key)).toEqual(entry(2).response);
    await log.close();
    const again = await openResponseLog(dir);
    expect(again.get(entry(1).key)).toEqual(entry(1, "é ünïcode ✓").response);
    expect(again.get(entry(2).key)).toEqual(entry(2).response);
    await again.close();
  });

  it("keeps processes apart: each writes its own segment and a later reader sees both", async () => {
    const a = await openResponseLog(dir, { segmentName: "a" });
    const b = await openResponseLog(dir, { segmentName: "b" });
    put(a, entry(1));
    put(b, entry(2));
    await Promise.all([a.close(), b.close()]);
    expect(readdirSync(dir).sort()).toEqual(["a.jsonl", "b.jsonl"]);
    const reader = await openResponseLog(dir);
    expect(reader.get(entry(1).key)).toEqual(entry(1).response);
    expect(reader.get(entry(2).key)).toEqual(entry(2).response);
    await reader.close();
  });

  it("prefers the entry of the later segment when a key was stored twice", async () => {
    const a = await openResponseLog(dir, { segmentName: "1-old" });
    put(a, entry(1, "old"));
    await a.close();
    const b = await openResponseLog(dir, { segmentName: "2-new" });
    put(b, entry(1, "new"));
    await b.close();
    const reader = await openResponseLog(dir);
    expect(reader.get<{ text: string }>(entry(1).key)?.text).toBe("new");
    await reader.close();
  });

  it("skips a torn last line and a damaged line, and keeps every good line", async () => {
    const log = await openResponseLog(dir, { segmentName: "s" });
    for (const n of [1, 2, 3]) put(log, entry(n));
    await log.close();
    const path = join(dir, "s.jsonl");
    const [one, two, three] = readFileSync(path, "utf8").trimEnd().split("\n");
    const damaged = `${two!.slice(0, 80)}#not json}`;
    writeFileSync(path, `${one}\n${damaged}\n${three}\n`);
    appendFileSync(path, `${entry(4).key}\t{"text":"torn`);

    const reader = await openResponseLog(dir);
    expect(reader.get(entry(1).key)).toEqual(entry(1).response);
    expect(reader.get(entry(2).key)).toBeUndefined();
    expect(reader.get(entry(3).key)).toEqual(entry(3).response);
    expect(reader.get(entry(4).key)).toBeUndefined();
    await reader.close();
  });

  it("ignores lines that are not <key> TAB <response> TAB <request>", async () => {
    const e = entry(1);
    const lines = [
      `not-a-key\t{}\t{}`,
      `${e.key}{"text":"no tab"}`,
      `${e.key}\t${JSON.stringify(e.response)}`,
    ];
    writeFileSync(join(await ensureFolder(dir), "x.jsonl"), `${lines.join("\n")}\n`);
    const reader = await openResponseLog(dir);
    expect(reader.size).toBe(0);
    expect(reader.get(e.key)).toBeUndefined();
    await reader.close();
  });

  it("answers a key while its batch is being written", async () => {
    const log = await openResponseLog(dir);
    const e = entry(1);
    put(log, e);
    const closing = log.close();
    // One microtask later the write has begun and cannot have finished (it needs the disk).
    await null;
    expect(log.get(e.key)).toEqual(e.response);
    await closing;
  });

  it("writes a full batch without waiting, and the rest when closed", async () => {
    const log = await openResponseLog(dir, { segmentName: "s" });
    const big = "x".repeat(70 * 1024);
    put(log, { ...entry(1), response: { text: big, usage: { inputTokens: 1, outputTokens: 1 } } });
    put(log, entry(2));
    await log.close();
    const again = await openResponseLog(dir);
    expect(again.get<{ text: string }>(entry(1).key)?.text).toBe(big);
    expect(again.get(entry(2).key)).toEqual(entry(2).response);
    await again.close();
  });

  it("reports a write that failed when it is flushed or closed, not as an unhandled rejection", async () => {
    const parent = join(dir, "..", "parent");
    const log = await openResponseLog(join(parent, "eval"));
    writeFileSync(parent, "a file where the cache folder should go");
    put(log, entry(1));
    await expect(log.flush()).rejects.toThrow(/ENOTDIR|EEXIST/);
    await expect(log.close()).rejects.toThrow(/ENOTDIR|EEXIST/);
  });
});

async function ensureFolder(folder: string): Promise<string> {
  await mkdir(folder, { recursive: true });
  return folder;
}
