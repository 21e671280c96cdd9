import { describe, expect, it } from "vitest";
import type { LoadedPackage } from "../package/types.js";
import { sha256 } from "../util/hash.js";
import { makeLayer, makeLock, makePackage, makeUnit } from "./make-test-package.js";
import { type BuildPlan, planBuild } from "./plan-build.js";

/** unit → [action, ...reasons], the part of a plan the tests compare. */
function summary(plan: BuildPlan): Record<string, string[]> {
  return Object.fromEntries(plan.units.map((unit) => [unit.unit, [unit.action, ...unit.reasons]]));
}

function twoUnits(): LoadedPackage {
  return makePackage({ units: [makeUnit("tokenize"), makeUnit("format")] });
}

describe("planBuild", () => {
  it("keeps every unit when nothing changed since the lock", () => {
    const pkg = twoUnits();
    const plan = planBuild(pkg, makeLock(pkg));
    expect(summary(plan)).toEqual({ tokenize: ["keep"], format: ["keep"] });
    expect(plan.removedUnits).toEqual([]);
  });

  it("plans every unit as never built when there is no lock", () => {
    const plan = planBuild(twoUnits(), undefined);
    expect(summary(plan)).toEqual({
      tokenize: ["generate", "never built"],
      format: ["generate", "never built"],
    });
  });

  it("regenerates only the unit whose prompt changed", () => {
    const pkg = twoUnits();
    const lock = makeLock(pkg);
    const edited = makeUnit("format", { prompt: makeLayer("unit", "units/format.md", "Use tabs.\n") });
    const plan = planBuild({ ...pkg, units: [pkg.units[0]!, edited] }, lock);
    expect(summary(plan)).toEqual({ tokenize: ["keep"], format: ["generate", "unit prompt changed"] });
  });

  const everyUnitChanges: Array<[string, (pkg: LoadedPackage) => LoadedPackage, string]> = [
    [
      "the core prompt changes",
      (p) => ({ ...p, core: makeLayer("core", "core.md", "Count lines.\n") }),
      "core changed",
    ],
    ["the core prompt goes away", (p) => ({ ...p, core: undefined }), "core removed"],
    [
      "a guide is added",
      (p) => ({ ...p, guide: makeLayer("guide", "guide.md", "Use ESM.\n") }),
      "guide added",
    ],
    [
      "acceptance criteria are added",
      (p) => ({ ...p, criteria: makeLayer("criteria", "acceptance.md", "Must pass.\n") }),
      "acceptance criteria added",
    ],
    [
      "a context document is added",
      (p) => ({ ...p, context: [makeLayer("context", "context/api.md", "GET /x\n")] }),
      "context context/api.md added",
    ],
    [
      "a validation test changes",
      (p) => ({ ...p, tests: [makeLayer("test", "test/a.test.js", "assert(false)\n")] }),
      "test test/a.test.js changed",
    ],
    [
      "the model changes",
      (p) => ({ ...p, units: p.units.map((u) => ({ ...u, model: "anthropic:claude-sonnet-4-5" })) }),
      "model changed (openai:gpt-4o-mini → anthropic:claude-sonnet-4-5)",
    ],
    [
      "a model parameter changes",
      (p) => ({ ...p, units: p.units.map((u) => ({ ...u, modelParams: { temperature: 0.2 } })) }),
      "model parameters changed",
    ],
  ];

  it.each(everyUnitChanges)("regenerates every unit when %s", (_, change, reason) => {
    const before = makePackage({
      units: [makeUnit("tokenize"), makeUnit("format")],
      tests: [makeLayer("test", "test/a.test.js", "assert(true)\n")],
    });
    const plan = planBuild(change(before), makeLock(before));
    expect(summary(plan)).toEqual({ tokenize: ["generate", reason], format: ["generate", reason] });
  });

  it("regenerates every unit when a context document changes or is removed", () => {
    const before = makePackage({
      context: [makeLayer("context", "context/a.md", "A\n"), makeLayer("context", "context/b.md", "B\n")],
    });
    const after = { ...before, context: [makeLayer("context", "context/a.md", "A2\n")] };
    expect(planBuild(after, makeLock(before)).units[0]?.reasons).toEqual([
      "context context/a.md changed",
      "context context/b.md removed",
    ]);
  });

  it("regenerates the units that need a regenerating unit, transitively", () => {
    const pkg = makePackage({
      units: [
        makeUnit("tokenize"),
        makeUnit("stats", { needs: ["tokenize"] }),
        makeUnit("report", { needs: ["stats"] }),
        makeUnit("cli"),
      ],
    });
    const lock = makeLock(pkg);
    const edited = makeUnit("tokenize", {
      prompt: makeLayer("unit", "units/tokenize.md", "Split on tabs.\n"),
    });
    const plan = planBuild({ ...pkg, units: [edited, ...pkg.units.slice(1)] }, lock);
    expect(summary(plan)).toEqual({
      tokenize: ["generate", "unit prompt changed"],
      stats: ["generate", "needs tokenize, which regenerates"],
      report: ["generate", "needs stats, which regenerates"],
      cli: ["keep"],
    });
  });

  it("regenerates a unit whose needed unit's recorded outputs changed since it was built", () => {
    const pkg = makePackage({ units: [makeUnit("tokenize"), makeUnit("stats", { needs: ["tokenize"] })] });
    const lock = makeLock(pkg);
    lock.units.tokenize!.outputs = { "src/tokenize.js": sha256("rebuilt alone") };
    expect(summary(planBuild(pkg, lock))).toEqual({
      tokenize: ["keep"],
      stats: ["generate", "needed unit tokenize changed"],
    });
  });

  it("restores a kept unit whose recorded outputs are missing on disk", () => {
    const pkg = makePackage({
      units: [makeUnit("tokenize"), makeUnit("format", { owns: ["src/format.js", "src/pad.js"] })],
    });
    const plan = planBuild(pkg, makeLock(pkg), {
      tokenize: ["src/tokenize.js"],
      format: ["src/format.js", "src/pad.js"],
    });
    expect(summary(plan)).toEqual({
      tokenize: ["restore", "missing src/tokenize.js"],
      format: ["restore", "missing 2 files"],
    });
  });

  it("does not call a regenerating unit a restore because its files are missing", () => {
    const pkg = twoUnits();
    const plan = planBuild({ ...pkg, core: undefined }, makeLock(pkg), { tokenize: ["src/tokenize.js"] });
    expect(plan.units[0]).toMatchObject({ action: "generate", reasons: ["core removed"] });
  });

  it("lists units the lock has but the manifest dropped, sorted", () => {
    const pkg = makePackage({ units: [makeUnit("zeta"), makeUnit("main"), makeUnit("alpha")] });
    const lock = makeLock(pkg);
    const plan = planBuild({ ...pkg, units: [makeUnit("main")] }, lock);
    expect(plan.removedUnits).toEqual(["alpha", "zeta"]);
    expect(summary(plan)).toEqual({ main: ["keep"] });
  });

  it("treats a unit named like an Object method as never built, not as a lock entry", () => {
    const pkg = makePackage({
      units: [makeUnit("constructor"), makeUnit("toString", { needs: ["constructor"] })],
    });
    expect(summary(planBuild(pkg, makeLock(makePackage())))).toEqual({
      constructor: ["generate", "never built"],
      toString: ["generate", "never built"],
    });
  });

  it("regenerates a unit whose recorded hash does not match its recorded inputs", () => {
    const pkg = twoUnits();
    const lock = makeLock(pkg);
    lock.units.format!.inputHash = sha256("a hand-merged lock");
    expect(summary(planBuild(pkg, lock))).toEqual({
      tokenize: ["keep"],
      format: ["generate", "recorded input hash does not match its inputs"],
    });
  });

  it("reports the input hash the lock records for a kept unit", () => {
    const pkg = twoUnits();
    const lock = makeLock(pkg);
    const plan = planBuild(pkg, lock);
    expect(plan.units.map((unit) => unit.inputHash)).toEqual([
      lock.units.tokenize!.inputHash,
      lock.units.format!.inputHash,
    ]);
  });
});
