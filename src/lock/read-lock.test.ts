import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rejectionOf } from "../../test/support/rejection-of.js";
import type { SpecPromptError } from "../errors.js";
import { stableStringify } from "../util/stable-json.js";
import type { Lock } from "./lock-schema.js";
import { parseLock } from "./parse-lock.js";
import { LOCK_FILE, readLock, readLockFile, serializeLock } from "./read-lock.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "specprompt-lock-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const hash = (char: string) => char.repeat(64);

function sampleLock(): Lock {
  return {
    units: {
      main: {
        outputs: { "src/z.js": hash("b"), "src/a.js": hash("a") },
        inputs: {
          tests: {},
          needs: {},
          modelParams: { temperature: 0, seed: 1 },
          model: "openai:gpt-4o-mini",
          format: "1",
          core: hash("c"),
          context: { "context/z.md": hash("d"), "context/a.md": hash("e") },
        },
        inputHash: hash("f"),
        requests: [hash("9"), hash("1")],
        tokens: { output: 5, input: 10 },
        iterations: 1,
        buildId: "b1",
        builtAt: "2025-01-01T00:00:00.000Z",
      },
    },
    version: "0.1.0",
    params: { year: "2025", license: "MIT" },
    name: "demo",
    lockfileVersion: 1,
    build: { time: "2025-01-01T00:00:00.000Z", id: "b1", tokens: { output: 5, input: 10 } },
  };
}

async function lockError(text: string): Promise<SpecPromptError> {
  await writeFile(join(dir, LOCK_FILE), text);
  return rejectionOf(readLock(dir));
}

describe("readLock", () => {
  it("returns undefined for a package that was never built", async () => {
    expect(await readLock(dir)).toBeUndefined();
  });

  it("reads a lock and its exact text", async () => {
    const text = serializeLock(sampleLock());
    await writeFile(join(dir, LOCK_FILE), text);
    expect(await readLockFile(dir)).toEqual({ lock: sampleLock(), text });
  });

  it("refuses a lock that is not JSON with E_LOCK, the file and a way out", async () => {
    const error = await lockError('{ "lockfileVersion": 1, <<<<<<< HEAD');
    expect(error.code).toBe("E_LOCK");
    expect(error.message).toMatch(/^specprompt\.lock is not valid JSON \(/);
    expect(error.location?.file).toBe(join(dir, LOCK_FILE));
    expect(error.hint).toContain("delete it to rebuild");
  });

  it("refuses a lock of the wrong shape and names where it is wrong", async () => {
    const lock = sampleLock();
    lock.units.main!.inputHash = "not-a-hash";
    const error = await lockError(serializeLock(lock));
    expect(error.code).toBe("E_LOCK");
    expect(error.message).toContain("does not match the lock format at units.main.inputHash");
    expect(error.hint).toContain("newer specprompt");
  });

  it("checks a lock again when it changed after an earlier read accepted it", async () => {
    await writeFile(join(dir, LOCK_FILE), serializeLock(sampleLock()));
    await readLock(dir);
    const error = await lockError(JSON.stringify({ ...sampleLock(), lockfileVersion: 2 }));
    expect(error.message).toContain("at lockfileVersion");
  });
});

describe("serializeLock", () => {
  it("sorts keys at every level, indents by two and ends with one newline", () => {
    const text = serializeLock(sampleLock());
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.endsWith("\n\n")).toBe(false);
    expect(text.startsWith('{\n  "build": {\n    "id": "b1",')).toBe(true);
    const keysInOrder = [...text.matchAll(/^\s*"([^"]+)":/gm)].map((match) => match[1]);
    for (const group of [
      ["build", "lockfileVersion", "name", "params", "units", "version"],
      ["license", "year"],
      ["context/a.md", "context/z.md"],
      ["src/a.js", "src/z.js"],
      ["seed", "temperature"],
    ]) {
      const positions = group.map((key) => keysInOrder.indexOf(key));
      expect(positions.every((at) => at >= 0)).toBe(true);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    }
  });

  it("keeps array order, since the order of requests means something", () => {
    expect(serializeLock(sampleLock()).indexOf(hash("9"))).toBeLessThan(
      serializeLock(sampleLock()).indexOf(hash("1")),
    );
  });

  it("round-trips: parsing the text gives the lock, and serialising that gives the same text", () => {
    const text = serializeLock(sampleLock());
    const parsed = parseLock(text, LOCK_FILE);
    expect(parsed).toEqual(sampleLock());
    expect(serializeLock(parsed)).toBe(text);
  });
});

describe("serializeLock", () => {
  it("writes sorted keys whether or not the lock's objects are in order, the same text either way", () => {
    const sorted = { a: 1, b: { c: [{ d: 1, e: 2 }], f: "x" }, g: undefined };
    const shuffled = { g: undefined, b: { f: "x", c: [{ e: 2, d: 1 }] }, a: 1 };
    const expected = `${JSON.stringify({ a: 1, b: { c: [{ d: 1, e: 2 }], f: "x" } }, null, 2)}\n`;
    expect(serializeLock(sorted as never)).toBe(expected);
    expect(serializeLock(shuffled as never)).toBe(expected);
    // Keys that look like numbers are where engine order and sorted order differ.
    expect(serializeLock({ units: { "10": 1, "9": 2 } } as never)).toBe(
      `${stableStringify({ units: { "10": 1, "9": 2 } }, 2)}\n`,
    );
  });
});
