import { describe, expect, it } from "vitest";
import { cacheKey, createMemoryCache, type ResponseCache } from "../cache/response-cache.js";
import type { UnitLock } from "../lock/lock-schema.js";
import type { ChatResponse } from "../providers/types.js";
import { sha256 } from "../util/hash.js";
import type { OutputGuard } from "./output-guard.js";
import { replayUnit } from "./replay-unit.js";

/** Allows src/ only, like a unit that owns src/**. */
const guard: OutputGuard = {
  check: (path) =>
    typeof path === "string" && path.startsWith("src/") ? undefined : `${String(path)} is not owned`,
};

function writes(files: Record<string, string>, usage = { inputTokens: 10, outputTokens: 5 }): ChatResponse {
  return {
    text: "",
    toolCalls: Object.entries(files).map(([path, content], index) => ({
      id: `call_${index}`,
      name: "write_file",
      input: { path, content },
    })),
    usage,
    finishReason: "tool-calls",
  };
}

async function store(cache: ResponseCache, response: unknown): Promise<string> {
  const key = cacheKey({ response });
  await cache.put({ key, request: {}, response });
  return key;
}

function entryFor(requests: string[], outputs: Record<string, string>): UnitLock {
  return {
    inputHash: sha256("inputs"),
    inputs: { format: "1", model: "openai:m", modelParams: {}, context: {}, tests: {}, needs: {} },
    outputs: Object.fromEntries(Object.entries(outputs).map(([path, content]) => [path, sha256(content)])),
    requests,
    tokens: { input: 0, output: 0 },
    iterations: requests.length,
    buildId: "b",
    builtAt: "t",
  };
}

describe("replayUnit", () => {
  it("applies the recorded rounds in order: a refinement's writes land on the first round's files", async () => {
    const cache = createMemoryCache();
    const first = await store(cache, writes({ "src/a.js": "wrong a", "src/util.js": "util" }));
    const done = await store(cache, {
      text: "Done.",
      toolCalls: [],
      usage: { inputTokens: 3, outputTokens: 1 },
      finishReason: "stop",
    });
    const fix = await store(cache, writes({ "src/a.js": "right a", "README.md": "refused" }));
    const entry = entryFor([first, done, fix, done], { "src/a.js": "right a", "src/util.js": "util" });

    const replayed = await replayUnit(entry, cache, guard);

    expect(replayed?.files).toEqual(
      new Map([
        ["src/a.js", "right a"],
        ["src/util.js", "util"],
      ]),
    );
    expect(replayed).toMatchObject({
      requests: entry.requests,
      usage: { input: 26, output: 12 },
      spent: { input: 0, output: 0 },
      cached: 4,
      refused: ["README.md is not owned"],
    });
  });

  it("takes an agent round's files as the whole set", async () => {
    const cache = createMemoryCache();
    const chat = await store(cache, writes({ "src/a.js": "a", "src/old.js": "old" }));
    const agent = await store(cache, { files: { "src/a.js": "agent a" } });
    const replayed = await replayUnit(entryFor([chat, agent], { "src/a.js": "agent a" }), cache, guard);
    expect(replayed?.files).toEqual(new Map([["src/a.js", "agent a"]]));
  });

  it("gives up when a response is not cached or the files are not what the lock records", async () => {
    const cache = createMemoryCache();
    const first = await store(cache, writes({ "src/a.js": "a" }));
    expect(
      await replayUnit(entryFor([first, sha256("gone")], { "src/a.js": "a" }), cache, guard),
    ).toBeUndefined();
    expect(
      await replayUnit(entryFor([first], { "src/a.js": "something else" }), cache, guard),
    ).toBeUndefined();
  });

  it("hashes the files as the build finishes them (a stamp added) before comparing with the lock", async () => {
    const cache = createMemoryCache();
    const first = await store(cache, writes({ "src/a.js": "a" }));
    const stamp = (files: Map<string, string>) =>
      new Map([...files].map(([path, content]) => [path, `// stamped\n${content}`]));
    const entry = entryFor([first], { "src/a.js": "// stamped\na" });
    expect((await replayUnit(entry, cache, guard, stamp))?.files.get("src/a.js")).toBe("// stamped\na");
    expect(await replayUnit(entry, cache, guard)).toBeUndefined();
  });
});
