import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeLock, makePackage } from "../build/make-test-package.js";
import { stampContent } from "../build/stamp.js";
import { newObjects, objectPath } from "../cache/object-store.js";
import { CACHE_DIR, createFileCache } from "../cache/response-cache.js";
import type { UnitLock } from "../lock/lock-schema.js";
import { sha256 } from "../util/hash.js";
import { recoverOutput } from "./recover-output.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "specprompt-recover-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const BUILT = "export const main = 1;\n";

/** A lock entry for unit main that wrote `content` at src/main.js through two cached chat responses. */
async function entryFor(content: string, written = content): Promise<UnitLock> {
  const cache = createFileCache(join(dir, CACHE_DIR));
  const keys = [sha256("first"), sha256("second")];
  await cache.put({
    key: keys[0]!,
    request: {},
    response: {
      text: "",
      toolCalls: [
        { id: "1", name: "write_file", input: { path: "./src/main.js", content: "draft\n" } },
        { id: "2", name: "write_file", input: { path: "src/main.js", content: written } },
      ],
      usage: { inputTokens: 1, outputTokens: 1 },
      finishReason: "tool-calls",
    },
  });
  await cache.put({
    key: keys[1]!,
    request: {},
    response: {
      text: "done",
      toolCalls: [],
      usage: { inputTokens: 1, outputTokens: 1 },
      finishReason: "stop",
    },
  });
  const entry = makeLock(makePackage()).units.main!;
  return { ...entry, outputs: { "src/main.js": sha256(content) }, requests: keys };
}

describe("recoverOutput", () => {
  it("reads what the build wrote from the output store", async () => {
    const entry = await entryFor(BUILT);
    for (const [path, content] of newObjects(dir, [BUILT])) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    }
    rmSync(join(dir, CACHE_DIR), { recursive: true });

    expect(await recoverOutput(dir, "demo", { name: "main", entry }, "src/main.js")).toEqual({
      content: BUILT,
      source: "objects",
    });
  });

  it("replays the cached responses when the store has no copy, the last write winning", async () => {
    const entry = await entryFor(BUILT);

    expect(await recoverOutput(dir, "demo", { name: "main", entry }, "src/main.js")).toEqual({
      content: BUILT,
      source: "cache",
    });
  });

  it("finds a stamped file from the model's unstamped one", async () => {
    const stamped = stampContent("src/main.js", BUILT, "demo", "main");
    const entry = await entryFor(stamped, BUILT);

    expect((await recoverOutput(dir, "demo", { name: "main", entry }, "src/main.js"))?.content).toBe(stamped);
  });

  it("gives nothing rather than content that does not match the lock's hash", async () => {
    const entry = await entryFor(BUILT, "something else\n");
    mkdirSync(dirname(objectPath(dir, sha256(BUILT))), { recursive: true });
    writeFileSync(objectPath(dir, sha256(BUILT)), "corrupted\n");

    expect(await recoverOutput(dir, "demo", { name: "main", entry }, "src/main.js")).toBeUndefined();
  });
});

describe("newObjects", () => {
  it("stores each distinct content once and skips what the store already has", () => {
    const first = newObjects(dir, ["a\n", "a\n", null, "b\n"]);
    mkdirSync(dirname(objectPath(dir, sha256("a\n"))), { recursive: true });
    writeFileSync(objectPath(dir, sha256("a\n")), "a\n");

    expect([...first.values()]).toEqual(["a\n", "b\n"]);
    expect([...first.keys()][0]).toBe(
      join(dir, ".specprompt/objects", sha256("a\n").slice(0, 2), sha256("a\n")),
    );
    expect([...newObjects(dir, ["a\n", "b\n"]).values()]).toEqual(["b\n"]);
  });
});
