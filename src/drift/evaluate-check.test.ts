import { describe, expect, it } from "vitest";
import { makeLock, makePackage } from "../build/make-test-package.js";
import { type CheckFacts, evaluateCheck } from "./evaluate-check.js";
import { makeStatusReport, type StatusFacts } from "./status-types.js";
import type { TrackedState } from "./tracked-files.js";

const pkg = makePackage();

function facts(
  overrides: Partial<StatusFacts> = {},
  tracked: TrackedState[] = [{ path: "src/main.js", unit: "main", state: "clean" }],
) {
  const base: StatusFacts = {
    package: { name: "demo", version: "0.1.0", dir: "/pkg" },
    outDir: "/pkg",
    lock: { version: "0.1.0", buildId: "b1", builtAt: "2025-01-01T00:00:00.000Z" },
    stale: [],
    removedUnits: [],
    lockOutdated: [],
    untracked: [],
    handwritten: [],
    warnings: [],
    ...overrides,
  };
  return makeStatusReport(base, tracked);
}

function gate(overrides: Partial<CheckFacts> = {}) {
  const lock = makeLock(pkg);
  lock.build.validation = { command: "node --test", passed: true, exitCode: 0 };
  const items = evaluateCheck({
    status: facts(),
    lock,
    manifestFile: "specprompt.yaml",
    validationCommand: "node --test",
    requireCoverage: false,
    ...overrides,
  });
  return Object.fromEntries(items.map((item) => [item.check, item]));
}

describe("evaluateCheck", () => {
  it("passes a current, untouched, validated package and skips coverage unless required", () => {
    const items = gate();
    expect(Object.values(items).map((item) => [item.check, item.status])).toEqual([
      ["manifest", "pass"],
      ["stale", "pass"],
      ["drift", "pass"],
      ["validation", "pass"],
      ["coverage", "skip"],
    ]);
  });

  it("fails stale with each unit and reason, removed units and an outdated lock", () => {
    const status = facts({
      stale: [{ unit: "main", reasons: ["core changed"] }],
      removedUnits: ["old"],
      lockOutdated: ["version 0.2.0 is not built yet (the lock records 0.1.0)"],
    });
    expect(gate({ status }).stale).toEqual({
      check: "stale",
      status: "fail",
      message: "2 units would regenerate: run specprompt build and commit the result",
      details: [
        "version 0.2.0 is not built yet (the lock records 0.1.0)",
        "main: core changed",
        "old: no longer in the manifest",
      ],
    });
  });

  it("fails drift for modified and missing files but not for untracked or hand-written ones", () => {
    const edited = facts({ untracked: [{ path: "src/x.js", unit: "main" }], handwritten: ["src/own.js"] }, [
      { path: "src/a.js", unit: "main", state: "modified" },
      { path: "src/b.js", unit: "main", state: "missing" },
    ]);
    const onlyOthers = facts({
      untracked: [{ path: "src/x.js", unit: "main" }],
      handwritten: ["src/own.js"],
    });
    expect(gate({ status: edited }).drift?.details).toEqual([
      "modified src/a.js (unit main)",
      "missing src/b.js (unit main)",
    ]);
    expect(gate({ status: onlyOthers }).drift?.status).toBe("pass");
  });

  it("fails validation when the lock records a failure or no run at all, and skips it without a command", () => {
    const failed = makeLock(pkg);
    failed.build.validation = { command: "npm test", passed: false, exitCode: 3 };
    const never = makeLock(pkg);
    expect(gate({ lock: failed }).validation?.message).toBe(
      "the last build's validation failed: npm test exited 3",
    );
    expect(gate({ lock: never }).validation).toMatchObject({ status: "fail" });
    expect(gate({ lock: never, validationCommand: undefined }).validation?.status).toBe("skip");
  });

  it("fails required coverage naming each uncovered criterion with its line, or the missing ids", () => {
    const coverage = {
      file: "acceptance.md",
      total: 2,
      covered: { "AC-1": ["AC-1 works"] },
      uncovered: [{ id: "AC-2", title: "handles empty input", line: 4, file: "acceptance.md" }],
    };
    expect(gate({ requireCoverage: true, coverage }).coverage).toEqual({
      check: "coverage",
      status: "fail",
      message: "1 of 2 criteria are named by no test",
      details: ["AC-2 (acceptance.md:4): handles empty input"],
    });
    expect(gate({ requireCoverage: true, criteriaFile: "acceptance.md" }).coverage?.message).toContain(
      "acceptance.md has no criterion ids",
    );
    expect(gate({ requireCoverage: true, coverage: { ...coverage, uncovered: [] } }).coverage?.status).toBe(
      "pass",
    );
  });
});
