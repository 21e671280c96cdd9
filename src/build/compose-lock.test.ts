import { describe, expect, it } from "vitest";
import type { Lock, UnitLock } from "../lock/lock-schema.js";
import type { LoadedPackage } from "../package/types.js";
import { sha256 } from "../util/hash.js";
import { composeLock } from "./compose-lock.js";
import { makeLock, makePackage, makeUnit } from "./make-test-package.js";

const validation = { command: "node --test", passed: true, exitCode: 0 };

function compose(pkg: LoadedPackage, previous: Lock | undefined, updated: Map<string, UnitLock>) {
  return composeLock({
    pkg,
    previous,
    updated,
    buildId: "20250202T000000Z-bbbbbb",
    time: "2025-02-02T00:00:00.000Z",
    tokens: { input: 7, output: 3 },
    cost: 0.01,
    validation: updated.size > 0 ? validation : undefined,
  });
}

function threeUnits(): LoadedPackage {
  return makePackage({ units: [makeUnit("a"), makeUnit("b"), makeUnit("c")] });
}

function rebuilt(entry: UnitLock): UnitLock {
  return { ...entry, outputs: { "src/b.js": sha256("new b") }, buildId: "20250202T000000Z-bbbbbb" };
}

describe("composeLock", () => {
  it("keeps the entries of kept units and replaces those this build made", () => {
    const pkg = threeUnits();
    const previous = makeLock(pkg);
    const newB = rebuilt(previous.units.b!);
    const lock = compose(pkg, previous, new Map([["b", newB]]));
    expect(lock.units).toEqual({ a: previous.units.a, b: newB, c: previous.units.c });
  });

  it("drops units the manifest no longer has, and counts that as a new build", () => {
    const previous = makeLock(threeUnits());
    const pkg = makePackage({ units: [makeUnit("a"), makeUnit("c")] });
    const lock = compose(pkg, previous, new Map());
    expect(Object.keys(lock.units)).toEqual(["a", "c"]);
    expect(lock.build).toEqual({
      id: "20250202T000000Z-bbbbbb",
      time: "2025-02-02T00:00:00.000Z",
      tokens: { input: 7, output: 3 },
      cost: 0.01,
      validation: undefined,
    });
  });

  it("keeps the previous build header when nothing changed", () => {
    const pkg = threeUnits();
    const previous = makeLock(pkg);
    const lock = compose(pkg, previous, new Map());
    expect(lock).toEqual(previous);
  });

  it("takes name, version and params from the package even when the header is kept", () => {
    const pkg = threeUnits();
    const previous = makeLock(pkg);
    const bumped = {
      ...pkg,
      manifest: { ...pkg.manifest, version: "0.2.0" },
      params: { license: "MIT" },
    };
    const lock = compose(bumped, previous, new Map());
    expect(lock).toMatchObject({ version: "0.2.0", params: { license: "MIT" }, build: previous.build });
  });

  it("writes a new header with this build's id, time, tokens, cost and validation when a unit was made", () => {
    const pkg = threeUnits();
    const previous = makeLock(pkg);
    const lock = compose(pkg, previous, new Map([["b", rebuilt(previous.units.b!)]]));
    expect(lock.build).toEqual({
      id: "20250202T000000Z-bbbbbb",
      time: "2025-02-02T00:00:00.000Z",
      tokens: { input: 7, output: 3 },
      cost: 0.01,
      validation,
    });
    expect(lock.lockfileVersion).toBe(1);
  });

  it("does not carry an older build's validation into a build that ran none", () => {
    const pkg = threeUnits();
    const previous = { ...makeLock(pkg), build: { ...makeLock(pkg).build, validation } };
    const lock = composeLock({
      pkg,
      previous,
      updated: new Map([["b", rebuilt(previous.units.b!)]]),
      buildId: "x",
      time: "t",
      tokens: { input: 0, output: 0 },
      cost: undefined,
      validation: undefined,
    });
    expect(lock.build.validation).toBeUndefined();
  });

  it("writes a header on the first build even when no unit entry was made", () => {
    const lock = compose(threeUnits(), undefined, new Map());
    expect(lock.units).toEqual({});
    expect(lock.build.id).toBe("20250202T000000Z-bbbbbb");
  });

  it("does not mistake a unit named like an Object method for a lock entry", () => {
    const pkg = makePackage({ units: [makeUnit("constructor")] });
    const lock = compose(pkg, makeLock(makePackage({ units: [] })), new Map());
    expect(lock.units).toEqual({});
  });
});

describe("composeLock and the build's duration", () => {
  it("records how long the build took when it made something, and keeps the old build's otherwise", () => {
    const pkg = threeUnits();
    const previous = makeLock(pkg);
    previous.build.durationMs = 999;
    const options = {
      pkg,
      previous,
      buildId: "20250202T000000Z-bbbbbb",
      time: "2025-02-02T00:00:00.000Z",
      tokens: { input: 7, output: 3 },
      cost: undefined,
      validation,
      durationMs: 4321,
    };
    const made = composeLock({ ...options, updated: new Map([["b", rebuilt(previous.units.b!)]]) });
    expect(made.build.durationMs).toBe(4321);
    expect(composeLock({ ...options, updated: new Map() }).build.durationMs).toBe(999);
  });
});
