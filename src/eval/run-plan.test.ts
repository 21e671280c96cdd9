import { describe, expect, it } from "vitest";
import { countJobs, createJobCursor, describeMismatch, fingerprintRun, jobsOfCase } from "./run-plan.js";
import type { EvalCase, PromptPackage } from "./types.js";

const evalCase = (repeat = 1): EvalCase => ({
  id: "cases.yaml#3",
  file: "cases.yaml",
  vars: { q: "x" },
  assert: [],
  repeat,
  metadata: {},
});

const pkg = (hash: string): PromptPackage => ({
  dir: "/p",
  name: "qa",
  version: "1.0.0",
  template: { path: "t.md", hash, variables: [], render: () => [] },
  model: "openai:a",
  modelParams: { temperature: 0 },
  graderModel: "openai:a",
  caseFiles: [],
  params: {},
});

describe("jobsOfCase", () => {
  it("puts a case's repeats, models and versions next to each other, each with its own key", () => {
    const jobs = jobsOfCase(evalCase(2), 3, [
      { side: "current", models: ["openai:a", "openai:b"] },
      { side: "baseline", models: ["openai:a", "openai:b"] },
    ]);
    expect(jobs.map((job) => job.key)).toEqual([
      "current|openai:a|cases.yaml#3|0",
      "baseline|openai:a|cases.yaml#3|0",
      "current|openai:b|cases.yaml#3|0",
      "baseline|openai:b|cases.yaml#3|0",
      "current|openai:a|cases.yaml#3|1",
      "baseline|openai:a|cases.yaml#3|1",
      "current|openai:b|cases.yaml#3|1",
      "baseline|openai:b|cases.yaml#3|1",
    ]);
    expect(jobs[2]).toMatchObject({ caseIndex: 3, repeat: 0, model: "openai:b", modelIndex: 1 });
  });

  it("pairs by model position when the versions run different models", () => {
    const jobs = jobsOfCase(evalCase(), 0, [
      { side: "current", models: ["openai:new"] },
      { side: "baseline", models: ["openai:old"] },
    ]);
    expect(jobs.map((job) => [job.side, job.model, job.modelIndex])).toEqual([
      ["current", "openai:new", 0],
      ["baseline", "openai:old", 0],
    ]);
  });

  it("runs a case with repeat 0 once", () => {
    expect(jobsOfCase(evalCase(0), 0, [{ side: "current", models: ["openai:a"] }])).toHaveLength(1);
  });
});

describe("createJobCursor", () => {
  const sides = [{ side: "current" as const, models: ["openai:a"] }];
  const cases = () => [0, 1, 2].map((i) => ({ ...evalCase(2), id: `cases.yaml#${i}` }));

  it("hands out every job in order, skipping those already done", () => {
    const cursor = createJobCursor(cases(), sides, new Set(["current|openai:a|cases.yaml#1|0"]));
    const keys: string[] = [];
    for (let job = cursor.take(); job; job = cursor.take()) keys.push(job.key.split("|").slice(2).join("|"));
    expect(keys).toEqual([
      "cases.yaml#0|0",
      "cases.yaml#0|1",
      "cases.yaml#1|1",
      "cases.yaml#2|0",
      "cases.yaml#2|1",
    ]);
  });

  it("lets go of a case once its last job is done, and at once of a case with nothing left to do", () => {
    const list: ReturnType<typeof cases> | (EvalCase | undefined)[] = cases();
    const done = new Set(["current|openai:a|cases.yaml#0|0", "current|openai:a|cases.yaml#0|1"]);
    const cursor = createJobCursor(list, sides, done);
    const first = cursor.take()!;
    const second = cursor.take()!;
    expect(list[0]).toBeUndefined();
    expect([first.caseIndex, second.caseIndex]).toEqual([1, 1]);
    cursor.finish(first);
    expect(list[1]).toBeDefined();
    cursor.finish(second);
    expect(list[1]).toBeUndefined();
    expect(list[2]).toBeDefined();
  });
});

describe("countJobs", () => {
  it("multiplies repeats by the models of every version", () => {
    const sides = [
      { side: "current" as const, models: ["openai:a", "openai:b"] },
      { side: "baseline" as const, models: ["openai:a"] },
    ];
    expect(countJobs([evalCase(1), evalCase(3)], sides)).toBe(12);
  });
});

describe("fingerprintRun and describeMismatch", () => {
  const sides = [{ side: "current" as const, models: ["openai:a"] }];

  it("is the same for the same cases, and changes with any var", () => {
    const a = fingerprintRun({ cases: [evalCase()], current: pkg("t1"), sides });
    const b = fingerprintRun({ cases: [evalCase()], current: pkg("t1"), sides });
    const c = fingerprintRun({ cases: [{ ...evalCase(), vars: { q: "y" } }], current: pkg("t1"), sides });
    expect(describeMismatch(a, b)).toBeUndefined();
    expect(describeMismatch(a, c)).toBe("the cases changed");
  });

  it("names every part that changed", () => {
    const before = fingerprintRun({ cases: [evalCase()], current: pkg("t1"), sides });
    const after = fingerprintRun({
      cases: [evalCase(2)],
      current: pkg("t2"),
      baseline: pkg("t0"),
      sides: [
        { side: "current", models: ["openai:b"] },
        { side: "baseline", models: ["openai:b"] },
      ],
    });
    expect(describeMismatch(before, after)).toBe(
      "the cases changed; the template, params or model params changed; it did not compare versions; it ran openai:a, not openai:b",
    );
  });
});
