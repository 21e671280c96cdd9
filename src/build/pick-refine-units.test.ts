import { describe, expect, it } from "vitest";
import type { TestFailure } from "../validate/test-report.js";
import { pickRefineUnits, type RefineCandidates } from "./pick-refine-units.js";

const owners = new Map([
  ["src/tokenize.js", "tokenize"],
  ["src/stats.js", "stats"],
  ["src/cli.js", "cli"],
  ["bin/textstats.js", "cli"],
]);

const tests = [
  { path: "test/stats.test.js", content: 'import { analyze } from "../src/stats.js";\n' },
  { path: "test/cli.test.js", content: 'import { spawnSync } from "node:child_process";\n' },
  {
    path: "test/all.test.js",
    content: 'import { tokenize } from "../src/tokenize.js";\nimport { analyze } from "../src/stats.js";\n',
  },
];

function candidates(units: string[]): RefineCandidates {
  return { units, owners, tests };
}

function failure(overrides: Partial<TestFailure>): TestFailure {
  return { name: "a test", message: "it failed", frames: [], ...overrides };
}

describe("pickRefineUnits", () => {
  it("sends back the units whose files the stack frames point to", () => {
    const choice = pickRefineUnits(
      [failure({ frames: ["src/tokenize.js:4:11", "test/cli.test.js:9:3"], file: "test/cli.test.js" })],
      candidates(["tokenize", "stats", "cli"]),
    );
    expect(choice).toEqual({ units: ["tokenize"], because: { tokenize: ["src/tokenize.js"] }, all: false });
  });

  it("follows the failing test's imports to the modules it exercises", () => {
    const choice = pickRefineUnits(
      [failure({ file: "test/all.test.js", frames: ["test/all.test.js:12:5"] })],
      candidates(["tokenize", "stats", "cli"]),
    );
    expect(choice.units).toEqual(["tokenize", "stats"]);
  });

  it("prefers a frame in a file of the build to the test's imports", () => {
    const choice = pickRefineUnits(
      [failure({ file: "test/all.test.js", frames: ["src/stats.js:3:9", "test/all.test.js:12:5"] })],
      candidates(["tokenize", "stats", "cli"]),
    );
    expect(choice).toEqual({ units: ["stats"], because: { stats: ["src/stats.js"] }, all: false });
  });

  it("finds paths named in a message, but not one that is only the tail of a longer path", () => {
    const named = pickRefineUnits(
      [failure({ message: "Error: Cannot find module 'bin/textstats.js' imported from test/cli.test.js" })],
      candidates(["tokenize", "stats", "cli"]),
    );
    expect(named.units).toEqual(["cli"]);
    const tail = pickRefineUnits(
      [failure({ message: "Cannot read lib/src/stats.js.map" })],
      candidates(["tokenize", "stats", "cli"]),
    );
    expect(tail.all).toBe(true);
  });

  it("only ever sends back units of this build", () => {
    const choice = pickRefineUnits(
      [failure({ frames: ["src/tokenize.js:1:1", "src/stats.js:2:2"] })],
      candidates(["stats", "cli"]),
    );
    expect(choice.units).toEqual(["stats"]);
  });

  it("sends back every unit of the build when nothing points at one of them", () => {
    const pointsElsewhere = [failure({ frames: ["src/tokenize.js:1:1"], file: "test/cli.test.js" })];
    expect(pickRefineUnits(pointsElsewhere, candidates(["stats", "cli"]))).toEqual({
      units: ["stats", "cli"],
      because: { stats: [], cli: [] },
      all: true,
    });
    expect(pickRefineUnits([], candidates(["stats"])).units).toEqual(["stats"]);
  });
});
