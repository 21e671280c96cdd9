import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic-write.js";
import { sha256 } from "../util/hash.js";
import { stableStringify } from "../util/stable-json.js";

/** Folder of the response cache, relative to the package. */
export const CACHE_DIR = ".specprompt/cache";

/** A stored model exchange: the request that was sent and what came back. */
export interface CacheEntry<Req = unknown, Res = unknown> {
  key: string;
  request: Req;
  response: Res;
}

/** Content-addressed store of model responses, keyed by the full request. */
export interface ResponseCache {
  get<Req, Res>(key: string): Promise<CacheEntry<Req, Res> | undefined>;
  put<Req, Res>(entry: CacheEntry<Req, Res>): Promise<void>;
}

/** The cache key of a request: sha256 of its canonical JSON. */
export function cacheKey(request: unknown): string {
  return sha256(stableStringify(request));
}

/** A cache kept as one JSON file per entry under `<dir>/<k[0..2]>/<k>.json`, diff- and git-friendly. */
export function createFileCache(dir: string): ResponseCache {
  const pathOf = (key: string) => join(dir, key.slice(0, 2), `${key}.json`);
  return {
    async get<Req, Res>(key: string) {
      let entry: unknown;
      try {
        entry = JSON.parse(readFileSync(pathOf(key), "utf8"));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        // A corrupt entry is treated as a miss; the next write replaces it.
        if (error instanceof SyntaxError) return undefined;
        throw error;
      }
      return isEntryFor(entry, key) ? (entry as CacheEntry<Req, Res>) : undefined;
    },
    async put(entry) {
      await writeFileAtomic(pathOf(entry.key), `${stableStringify(entry, 1)}\n`);
    },
  };
}

/** Valid JSON can still be a broken entry (`null`, a truncated edit, another key's file). */
function isEntryFor(value: unknown, key: string): boolean {
  return (
    typeof value === "object" && value !== null && (value as CacheEntry).key === key && "response" in value
  );
}

/** An in-memory cache, for tests and for `--no-cache` runs that still dedupe within a build. */
export function createMemoryCache(): ResponseCache {
  const entries = new Map<string, CacheEntry>();
  return {
    async get<Req, Res>(key: string) {
      return entries.get(key) as CacheEntry<Req, Res> | undefined;
    },
    async put(entry) {
      entries.set(entry.key, entry);
    },
  };
}
