import { describe, expect, it } from "vitest";
import { STATUS_INDEX_FORMAT, type StatusIndex } from "./status-index.js";
import { decodeStatusIndex, encodeStatusIndex } from "./status-index-file.js";

function index(overrides: Partial<StatusIndex> = {}): StatusIndex {
  return {
    format: STATUS_INDEX_FORMAT,
    key: "k",
    manifestPath: "/p/specprompt.yaml",
    outPrefix: "",
    factsTrusted: true,
    inputs: ["specprompt.yaml", "units/ü.md"],
    inputStats: new Float64Array([10, 1735689600000.123, 42, 7, 1735689600001.5, 43]),
    dirs: [""],
    dirMtimes: new Float64Array([1735689600002.25]),
    facts: {
      package: { name: "demo", version: "1.0.0", dir: "/p" },
      outDir: "/p",
      lock: { version: "1.0.0", buildId: "b", builtAt: "t" },
      stale: [],
      removedUnits: [],
      lockOutdated: [],
      untracked: [{ path: "src/new\nline.js", unit: "a" }],
      handwritten: [],
      warnings: ["a warning"],
    },
    files: ["src/a.js", "src/ä\nb.js"],
    units: ["a"],
    fileUnits: [0, 0],
    fileStats: new Float64Array([3, 1735689600003.75, 44, -1, -1, -1]),
    hashesId: "h",
    states: "cx",
    ...overrides,
  };
}

describe("the status index file", () => {
  it("round-trips every field, exact mtimes and paths with any character but NUL included", () => {
    expect(decodeStatusIndex(encodeStatusIndex(index()))).toEqual(index());
  });

  it("tells an empty list from a list of one empty path (the package folder)", () => {
    const empty = index({
      dirs: [],
      dirMtimes: new Float64Array(0),
      files: [],
      fileUnits: [],
      fileStats: new Float64Array(0),
      states: "",
      units: [],
    });

    expect(decodeStatusIndex(encodeStatusIndex(empty))).toEqual(empty);
    expect(decodeStatusIndex(encodeStatusIndex(index()))?.dirs).toEqual([""]);
  });

  it("refuses a truncated file, one with bytes to spare, and one whose counts disagree", () => {
    const bytes = encodeStatusIndex(index());
    const miscounted = encodeStatusIndex(index({ fileUnits: [0] }));

    expect(decodeStatusIndex(bytes.subarray(0, bytes.length - 1))).toBeUndefined();
    expect(decodeStatusIndex(Buffer.concat([bytes, Buffer.from("x")]))).toBeUndefined();
    expect(decodeStatusIndex(miscounted)).toBeUndefined();
    expect(decodeStatusIndex(Buffer.from('{"format":1,"files":[]}'))).toBeUndefined();
    expect(decodeStatusIndex(Buffer.from("{ truncated\n"))).toBeUndefined();
  });
});
