import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sha256 } from "../util/hash.js";
import {
  readLockHashes,
  readStatusIndex,
  STATUS_INDEX_FORMAT,
  type StatusIndex,
  writeStatusIndex,
} from "./status-index.js";
import { checkTrackedFiles, trackedStates } from "./tracked-files.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "specprompt-status-"));
  mkdirSync(join(dir, "src"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const PAST = new Date("2025-01-01T00:00:00Z");
const NOW = Date.now();
const BUILT = "export const a = 1;\n";

/** An index tracking src/a.js, whose lock hash is that of BUILT, with nothing known yet. */
function newIndex(): StatusIndex {
  return {
    format: STATUS_INDEX_FORMAT,
    key: "k",
    manifestPath: join(dir, "specprompt.yaml"),
    outPrefix: "",
    factsTrusted: true,
    inputs: [],
    inputStats: new Float64Array(0),
    dirs: [],
    dirMtimes: new Float64Array(0),
    facts: {} as StatusIndex["facts"],
    files: ["src/a.js"],
    units: ["a"],
    fileUnits: [0],
    fileStats: new Float64Array([-1, -1, -1]),
    hashesId: "h1",
    states: "?",
  };
}

function write(content: string, mtime = PAST): void {
  writeFileSync(join(dir, "src/a.js"), content);
  utimesSync(join(dir, "src/a.js"), mtime, mtime);
}

const lockHashes = () => sha256(BUILT);
const unreadable = (): string => {
  throw new Error("the lock hashes were read");
};

describe("checkTrackedFiles", () => {
  it("hashes a file it knows nothing about and remembers its stat and state", async () => {
    write(BUILT);
    const index = newIndex();

    const checked = await checkTrackedFiles(`${dir}/`, index, lockHashes, NOW);

    expect(checked).toEqual({ codes: "c", changed: true });
    expect(trackedStates(index, checked!.codes)).toEqual([{ path: "src/a.js", unit: "a", state: "clean" }]);
    expect(index.states).toBe("c");
    expect(index.fileStats[0]).toBe(BUILT.length);
  });

  it("does not read a file again while its size, mtime and inode are unchanged", async () => {
    write(BUILT);
    const index = newIndex();
    await checkTrackedFiles(`${dir}/`, index, lockHashes, NOW);
    write("export const a = 2;\n"); // same size; the mtime is put back below
    utimesSync(join(dir, "src/a.js"), PAST, PAST);

    const checked = await checkTrackedFiles(`${dir}/`, index, unreadable, NOW);

    expect(checked).toEqual({ codes: "c", changed: false }); // trusted, like git's index
  });

  it("reads a file again when its mtime changed and reports the hand edit", async () => {
    write(BUILT);
    const index = newIndex();
    await checkTrackedFiles(`${dir}/`, index, lockHashes, NOW);
    write("export const a = 2;\n", new Date("2025-06-01T00:00:00Z"));

    const checked = await checkTrackedFiles(`${dir}/`, index, lockHashes, NOW);

    expect(checked?.codes).toBe("m");
    expect(index.states).toBe("m");
  });

  it("does not trust the stat of a file modified within the racy window", async () => {
    write(BUILT, new Date(NOW - 500));
    const index = newIndex();

    const checked = await checkTrackedFiles(`${dir}/`, index, lockHashes, NOW);

    expect(checked?.codes).toBe("c");
    expect(index.states).toBe("?"); // hashed again next time
  });

  it("reports a deleted file as missing without reading anything", async () => {
    const index = newIndex();
    const checked = await checkTrackedFiles(`${dir}/`, index, unreadable, NOW);

    expect(checked).toEqual({ codes: "x", changed: true });
    expect(trackedStates(index, checked!.codes)[0]?.state).toBe("missing");
  });

  it("gives up (undefined) when a file must be hashed and the lock hashes are not available", async () => {
    write(BUILT);

    expect(await checkTrackedFiles(`${dir}/`, newIndex(), () => undefined, NOW)).toBeUndefined();
  });
});

describe("the status index on disk", () => {
  it("round-trips with its lock hashes, which belong to the index written with them", async () => {
    const index = newIndex();
    await writeStatusIndex(dir, index, lockHashes());

    const read = readStatusIndex(dir, index.manifestPath);

    expect(read).toEqual(index);
    expect(readLockHashes(dir, read!)).toBe(lockHashes());
    expect(readLockHashes(dir, { ...read!, hashesId: "another" })).toBeUndefined();
  });

  it("ignores an index of another package, a damaged one and one of an older format", async () => {
    const index = newIndex();
    await writeStatusIndex(dir, { ...index, states: "" }, lockHashes());
    const damaged = readStatusIndex(dir, index.manifestPath);
    await writeStatusIndex(dir, { ...index, format: 0 });
    const older = readStatusIndex(dir, index.manifestPath);
    await writeStatusIndex(dir, index);

    expect(damaged).toBeUndefined();
    expect(older).toBeUndefined();
    expect(readStatusIndex(dir, join(dir, "other/specprompt.yaml"))).toBeUndefined();
    writeFileSync(join(dir, ".specprompt/local/status.index"), "{ truncated");
    expect(readStatusIndex(dir, index.manifestPath)).toBeUndefined();
  });
});
