import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cacheKey, createFileCache, createMemoryCache, type ResponseCache } from "./response-cache.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "specprompt-cache-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const request = {
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "hi" }],
  params: { seed: 1, temperature: 0 },
};
const response = { text: "hello", toolCalls: [], usage: { inputTokens: 3, outputTokens: 1 } };

describe("cacheKey", () => {
  it("is the same for the same request whatever its key order", () => {
    const reordered = {
      params: { temperature: 0, seed: 1 },
      messages: [{ content: "hi", role: "user" }],
      model: "gpt-4o-mini",
    };
    expect(cacheKey(reordered)).toBe(cacheKey(request));
    expect(cacheKey(request)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("changes when anything in the request changes, message order included", () => {
    const key = cacheKey(request);
    expect(cacheKey({ ...request, params: { seed: 2, temperature: 0 } })).not.toBe(key);
    const two = [
      { role: "user", content: "a" },
      { role: "user", content: "b" },
    ];
    expect(cacheKey({ messages: two })).not.toBe(cacheKey({ messages: [...two].reverse() }));
  });
});

const backends: Array<[string, () => ResponseCache]> = [
  ["file cache", () => createFileCache(join(root, "cache"))],
  ["memory cache", () => createMemoryCache()],
];

describe.each(backends)("%s", (_, create) => {
  it("misses a key it never stored", async () => {
    expect(await create().get(cacheKey({ other: true }))).toBeUndefined();
  });

  it("gives back the entry it stored, and the latest one when stored twice", async () => {
    const cache = create();
    const key = cacheKey(request);
    await cache.put({ key, request, response });
    expect(await cache.get(key)).toEqual({ key, request, response });
    await cache.put({ key, request, response: { ...response, text: "again" } });
    expect(await cache.get(key)).toMatchObject({ response: { text: "again" } });
  });
});

describe("createFileCache", () => {
  const key = cacheKey(request);
  const entryPath = () => join(root, "cache", key.slice(0, 2), `${key}.json`);

  it("keeps one JSON file per entry, under the first two characters of the key, for a later run", async () => {
    await createFileCache(join(root, "cache")).put({ key, request, response });
    expect(JSON.parse(await readFile(entryPath(), "utf8"))).toEqual({ key, request, response });
    expect(await createFileCache(join(root, "cache")).get(key)).toEqual({ key, request, response });
  });

  it.each([
    ["truncated JSON", '{ "key": "'],
    ["an empty file", ""],
    ["JSON null", "null"],
    ["another key's entry", JSON.stringify({ key: "0".repeat(64), request, response })],
    ["an entry without a response", JSON.stringify({ key, request })],
  ])("treats %s as a miss, and a later put repairs it", async (_, text) => {
    await mkdir(dirname(entryPath()), { recursive: true });
    await writeFile(entryPath(), text);
    const cache = createFileCache(join(root, "cache"));
    expect(await cache.get(key)).toBeUndefined();
    await cache.put({ key, request, response });
    expect(await cache.get(key)).toEqual({ key, request, response });
  });

  it("reports a read failure that is not a missing or corrupt entry", async () => {
    await mkdir(entryPath(), { recursive: true });
    await expect(createFileCache(join(root, "cache")).get(key)).rejects.toThrow(/EISDIR/);
  });
});
