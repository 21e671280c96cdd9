import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rejectionOf } from "../../test/support/rejection-of.js";
import {
  ASSERTION_TYPES,
  AssertionSpecError,
  compileAssertion,
  gradeCase,
  prepareCases,
  scoreCase,
} from "./assertions.js";
import { createPackageFiles } from "./package-files.js";
import type {
  AssertionContext,
  AssertionResult,
  AssertionSpec,
  CallOutcome,
  EvalCase,
  GradeWithModel,
} from "./types.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "specprompt-assert-"));
  const files: Record<string, string> = {
    "checks/polite.mjs":
      "export default (output) => output.includes('please');\nexport function long(output, context) { return { pass: output.length > context.vars.min, score: 0.25, reason: 'length ' + output.length }; }\n",
    "checks/common.cjs": "module.exports = { short: (output) => output.length < 5 };\n",
    "checks/broken.mjs": "export default = ;\n",
    "schemas/answer.json":
      '{"type":"object","required":["answer"],"properties":{"answer":{"type":"string"}}}',
  };
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function outcome(output: string, extra: Partial<CallOutcome> = {}): CallOutcome {
  return { output, latencyMs: 120, usage: { inputTokens: 10, outputTokens: 5 }, cached: false, ...extra };
}

function makeCase(assert: AssertionSpec[], extra: Partial<EvalCase> = {}): EvalCase {
  return { id: "cases.yaml#0", file: "cases.yaml", vars: {}, assert, repeat: 1, metadata: {}, ...extra };
}

const noGrader: GradeWithModel = () => Promise.reject(new Error("no grader in this test"));

function context(extra: Partial<AssertionContext> = {}): AssertionContext {
  return { vars: {}, packageDir: dir, grade: noGrader, ...extra };
}

/** Grades one assertion and returns its result. */
async function check(
  spec: AssertionSpec,
  output: string,
  extra: { outcome?: Partial<CallOutcome>; ctx?: Partial<AssertionContext> } = {},
): Promise<AssertionResult> {
  const grade = await gradeCase(makeCase([spec]), outcome(output, extra.outcome), context(extra.ctx));
  return grade.results[0]!;
}

function compileError(spec: AssertionSpec): AssertionSpecError {
  try {
    compileAssertion(spec, createPackageFiles(dir));
  } catch (error) {
    if (error instanceof AssertionSpecError) return error;
    throw error;
  }
  throw new Error("expected an AssertionSpecError");
}

describe("text assertions", () => {
  it.each<[AssertionSpec, string, boolean]>([
    [{ type: "equals", value: "Paris" }, "Paris", true],
    [{ type: "equals", value: "Paris" }, "Paris\n", false],
    [{ type: "equals", value: 42 }, "42", true],
    [{ type: "equals", value: { a: [1, { b: 2 }] } }, '{ "a": [1, {"b": 2}] }', true],
    [{ type: "equals", value: { a: 1 } }, '{"a": 1, "b": 2}', false],
    [{ type: "equals", value: { a: 1 } }, "a: 1", false],
    [{ type: "contains", value: "refund" }, "You get a refund.", true],
    [{ type: "contains", value: "Refund" }, "You get a refund.", false],
    [{ type: "icontains", value: "REFUND" }, "You get a refund.", true],
    [{ type: "contains-any", value: ["cash", "refund"] }, "a refund", true],
    [{ type: "contains-any", value: "cash, credit" }, "a refund", false],
    [{ type: "contains-all", value: ["a", "refund"] }, "a refund", true],
    [{ type: "contains-all", value: ["a", "cash"] }, "a refund", false],
    [{ type: "icontains-any", value: ["CASH", "REFUND"] }, "a refund", true],
    [{ type: "icontains-all", value: "A, REFUND" }, "a refund", true],
    [{ type: "starts-with", value: "Dear" }, "Dear Ada", true],
    [{ type: "starts-with", value: "Dear" }, " Dear Ada", false],
    [{ type: "regex", value: "^\\d{3}-\\d{4}$" }, "555-1234", true],
    [{ type: "regex", value: "^\\d{3}$" }, "5555", false],
  ])("%j on %j passes: %s", async (spec, output, pass) => {
    const result = await check(spec, output);
    expect(result.pass).toBe(pass);
    expect(result.score).toBe(pass ? 1 : 0);
  });

  it("inverts every type with not-, keeping the reason as the fact found", async () => {
    const found = await check({ type: "not-contains", value: "sorry" }, "I am sorry");
    expect(found).toEqual({
      type: "not-contains",
      pass: false,
      score: 0,
      weight: 1,
      reason: 'output contains "sorry"',
    });
    expect((await check({ type: "not-icontains-any", value: ["x", "y"] }, "abc")).pass).toBe(true);
    expect((await check({ type: "not-is-json" }, "plain")).pass).toBe(true);
  });

  it("says what the output was when equals fails", async () => {
    expect((await check({ type: "equals", value: "yes" }, "no")).reason).toBe('output "no" is not "yes"');
    expect((await check({ type: "contains-all", value: ["a", "b", "c"] }, "a")).reason).toBe(
      'output lacks "b", "c"',
    );
  });

  it("fills {{vars}} in values from the case, and fails clearly when one is missing", async () => {
    const spec = { type: "contains", value: "{{city}}" };
    expect((await check(spec, "It is Paris.", { ctx: { vars: { city: "Paris" } } })).pass).toBe(true);
    const missing = await check({ type: "not-contains", value: "{{city}}" }, "It is Paris.");
    expect(missing.pass).toBe(false);
    expect(missing.reason).toBe("the assertion's value refers to {{city}}, which the case's vars lack");
  });
});

describe("JSON assertions", () => {
  it("is-json accepts any JSON and, with a schema, only JSON matching it", async () => {
    expect((await check({ type: "is-json" }, " [1, 2] ")).pass).toBe(true);
    expect((await check({ type: "is-json" }, "```json\n{}\n```")).pass).toBe(false);
    const schema = { type: "object", required: ["answer"] };
    expect((await check({ type: "is-json", value: schema }, '{"answer": 1}')).pass).toBe(true);
    const failed = await check({ type: "is-json", value: schema }, '{"other": 1}');
    expect(failed.pass).toBe(false);
    expect(failed.reason).toBe("output does not match the schema at /answer: required, but missing");
  });

  it("json-schema checks the output against a schema given inline or as file:// in the package", async () => {
    const spec = { type: "json-schema", value: "file://schemas/answer.json" };
    expect((await check(spec, '{"answer": "42"}')).pass).toBe(true);
    expect((await check(spec, '{"answer": 42}')).reason).toMatch(
      /^output does not match the schema at \/answer: /,
    );
    expect((await check(spec, "not json")).reason).toBe('output is not JSON: "not json"');
    expect(compileError({ type: "json-schema" }).message).toContain("needs a value");
  });

  it("contains-json finds JSON in fenced blocks and prose, optionally matching a schema", async () => {
    const output = 'Sure! Here it is:\n```json\n{"answer": "yes", "n": [1, "}"]}\n```\nAnything else?';
    expect((await check({ type: "contains-json" }, output)).pass).toBe(true);
    expect((await check({ type: "contains-json" }, 'result: {"a": 1} done')).pass).toBe(true);
    expect((await check({ type: "contains-json" }, "no braces { here")).pass).toBe(false);
    const schema = { type: "object", required: ["missing"] };
    expect((await check({ type: "contains-json", value: schema }, output)).pass).toBe(false);
  });

  it("refuses a JSON Schema zod cannot check when the case file loads, not when grading", () => {
    const error = compileError({ type: "is-json", value: { not: { type: "string" } } });
    expect(error.field).toBe("value");
    expect(error.message).toContain("unusable JSON Schema");
  });
});

describe("javascript assertions", () => {
  it("evaluates an expression with output and context, as a boolean, a score or an object", async () => {
    const ctx = { vars: { min: 3 } };
    expect(
      (await check({ type: "javascript", value: "output.length > context.vars.min" }, "abcd", { ctx })).pass,
    ).toBe(true);
    const scored = await check({ type: "javascript", value: "output.length / 10" }, "abcd");
    expect(scored).toMatchObject({ pass: true, score: 0.4 });
    const below = await check({ type: "javascript", value: "0.4", threshold: 0.5 }, "x");
    expect(below).toMatchObject({ pass: false, score: 0.4 });
    const object = await check(
      { type: "javascript", value: "({ pass: false, score: 0.3, reason: 'too short' })" },
      "x",
    );
    expect(object).toMatchObject({ pass: false, score: 0.3, reason: "too short" });
  });

  it("runs a function body and sees latency, cost and usage", async () => {
    const body =
      "const limit = 200;\nreturn context.latencyMs < limit && context.usage.outputTokens === 5 && context.cost === 0.01;";
    expect((await check({ type: "javascript", value: body }, "x", { outcome: { cost: 0.01 } })).pass).toBe(
      true,
    );
  });

  it("fails with the reason when the code throws or returns something unusable, even under not-", async () => {
    const thrown = await check({ type: "not-javascript", value: "JSON.parse(output).ok" }, "nope");
    expect(thrown.pass).toBe(false);
    expect(thrown.reason).toMatch(/^javascript threw: /);
    const odd = await check({ type: "javascript", value: "'yes'" }, "x");
    expect(odd.pass).toBe(false);
    expect(odd.reason).toContain("return true/false, a score from 0 to 1, or { pass, score, reason }");
  });

  it("calls a module's default export or a named function, ES module or CommonJS", async () => {
    expect((await check({ type: "javascript", value: "file://checks/polite.mjs" }, "yes please")).pass).toBe(
      true,
    );
    const named = await check({ type: "javascript", value: "file://checks/polite.mjs:long" }, "abcdef", {
      ctx: { vars: { min: 3 } },
    });
    expect(named).toMatchObject({ pass: true, score: 0.25, reason: "length 6" });
    expect((await check({ type: "javascript", value: "file://checks/common.cjs:short" }, "abc")).pass).toBe(
      true,
    );
  });

  it("refuses code that does not parse, and modules outside the package, at load", () => {
    expect(compileError({ type: "javascript", value: "output.length >" }).message).toMatch(
      /^javascript does not parse/,
    );
    expect(compileError({ type: "javascript", value: "file://../x.js" }).message).toContain(
      "outside the package",
    );
    expect(compileError({ type: "javascript", value: "file://checks/none.js" }).message).toBe(
      "checks/none.js does not exist",
    );
  });

  it("reports a module that does not load or lacks the function before any call, naming the case", async () => {
    const broken = await rejectionOf(
      prepareCases([makeCase([{ type: "javascript", value: "file://checks/broken.mjs" }])], dir),
    );
    expect(broken.code).toBe("E_CASES");
    expect(broken.message).toMatch(/^file:\/\/checks\/broken\.mjs: the module does not load/);
    const absent = await rejectionOf(
      prepareCases([makeCase([{ type: "javascript", value: "file://checks/polite.mjs:nope" }])], dir),
    );
    expect(absent.message).toBe("file://checks/polite.mjs:nope: not a function");
    expect(absent.hint).toContain("the module exports default, long");
  });

  it("compiles a spec once, however many times it is graded", async () => {
    const spec = { type: "javascript", value: "output === 'x'" };
    const files = createPackageFiles(dir);
    expect(compileAssertion(spec, files)).toBe(compileAssertion(spec, files));
    const started = performance.now();
    const evalCase = makeCase([spec, { type: "regex", value: "^x$" }, { type: "contains", value: "x" }]);
    for (let i = 0; i < 5000; i++) await gradeCase(evalCase, outcome("x"), context());
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe("llm-rubric", () => {
  function grader(reply: string, seen: Parameters<GradeWithModel>[0][] = []): GradeWithModel {
    return async (request) => {
      seen.push(request);
      return { text: reply, usage: { inputTokens: 50, outputTokens: 10 }, cost: 0.0001 };
    };
  }

  it("asks the grader with the rubric and the output, and records model, rubric and reply", async () => {
    const seen: Parameters<GradeWithModel>[0][] = [];
    const reply = '```json\n{"pass": true, "score": 0.9, "reason": "Polite and on topic."}\n```';
    const result = await check({ type: "llm-rubric", value: "Is polite about {{topic}}" }, "Dear customer…", {
      ctx: { vars: { topic: "refunds" }, graderModel: "openai:grader", grade: grader(reply, seen) },
    });
    expect(result).toMatchObject({ pass: true, score: 0.9, reason: "Polite and on topic. (score 0.9)" });
    expect(result.grader).toEqual({
      model: "openai:grader",
      rubric: "Is polite about refunds",
      reply,
      usage: { inputTokens: 50, outputTokens: 10 },
      cost: 0.0001,
    });
    expect(seen[0]!.params).toEqual({ temperature: 0 });
    expect(seen[0]!.messages[1]!.content).toContain("Is polite about refunds");
    expect(seen[0]!.messages[1]!.content).toContain("Dear customer…");
  });

  it("uses the assertion's provider before the default grader, and applies its threshold to the score", async () => {
    const seen: Parameters<GradeWithModel>[0][] = [];
    const result = await check(
      { type: "llm-rubric", value: "Concise", provider: "anthropic:judge", threshold: 0.8 },
      "ok",
      { ctx: { graderModel: "openai:grader", grade: grader('{"pass": true, "score": 0.7}', seen) } },
    );
    expect(seen[0]!.model).toBe("anthropic:judge");
    expect(result.pass).toBe(false);
  });

  it("turns a garbage reply into a failed assertion with the reason, even under not-", async () => {
    const result = await check({ type: "not-llm-rubric", value: "Rude" }, "ok", {
      ctx: { graderModel: "openai:grader", grade: grader("I think it is fine.") },
    });
    expect(result.pass).toBe(false);
    expect(result.reason).toBe('the grader\'s reply has no JSON verdict: "I think it is fine."');
    expect(result.grader?.reply).toBe("I think it is fine.");
  });
});

describe("latency and cost", () => {
  it("pass within the threshold", async () => {
    expect(
      (await check({ type: "latency", threshold: 200 }, "x", { outcome: { latencyMs: 150 } })).pass,
    ).toBe(true);
    expect(
      (await check({ type: "latency", threshold: 100 }, "x", { outcome: { latencyMs: 150 } })).reason,
    ).toBe("latency 150 ms > 100 ms");
    expect((await check({ type: "cost", threshold: 0.01 }, "x", { outcome: { cost: 0.002 } })).pass).toBe(
      true,
    );
  });

  it("fail when the cost is unknown, and need a threshold", async () => {
    const unknown = await check({ type: "not-cost", threshold: 0.01 }, "x");
    expect(unknown.pass).toBe(false);
    expect(unknown.reason).toContain("cost is unknown");
    expect(compileError({ type: "latency", value: 100 }).field).toBe("threshold");
  });
});

describe("compileAssertion", () => {
  it("suggests the closest type for an unknown one, not- forms included", () => {
    expect(compileError({ type: "contians" }).message).toBe(
      "unknown assertion type 'contians'; did you mean 'contains'?",
    );
    expect(compileError({ type: "not-icontain" }).message).toContain("did you mean 'not-icontains'?");
    expect(compileError({ type: "not-not-contains" }).field).toBe("type");
    expect(ASSERTION_TYPES).toContain("not-llm-rubric");
  });

  it.each<[AssertionSpec, string]>([
    [{ type: "contains" }, "value"],
    [{ type: "contains", value: ["a", "b"] }, "value"],
    [{ type: "contains-any", value: [] }, "value"],
    [{ type: "regex", value: "(?i)refund" }, "value"],
    [{ type: "contains", value: "x", weight: -1 }, "weight"],
    [{ type: "llm-rubric", value: "x", provider: "gpt-4o" }, "provider"],
  ])("refuses %j, naming the field %s", (spec, field) => {
    expect(compileError(spec).field).toBe(field);
  });
});

describe("scoring a case", () => {
  const result = (pass: boolean, score: number, weight = 1): AssertionResult => ({
    type: "x",
    pass,
    score,
    weight,
    reason: "",
  });

  it("is the weighted mean; without a threshold every weighted assertion must pass", () => {
    expect(scoreCase([result(true, 1, 3), result(false, 0, 1)])).toEqual({ pass: false, score: 0.75 });
    expect(scoreCase([result(true, 1), result(false, 0, 0)])).toEqual({ pass: true, score: 1 });
    expect(scoreCase([])).toEqual({ pass: true, score: 1 });
  });

  it("passes at or above the case threshold even when an assertion fails", () => {
    const results = [result(true, 1, 0.7), result(false, 0.1, 0.3)];
    expect(scoreCase(results, 0.73)).toEqual({ pass: true, score: expect.closeTo(0.73, 9) });
    expect(scoreCase(results, 0.8).pass).toBe(false);
  });

  it("grades a case with its threshold", async () => {
    const evalCase = makeCase(
      [
        { type: "contains", value: "a", weight: 3 },
        { type: "contains", value: "zzz" },
      ],
      { threshold: 0.7 },
    );
    const grade = await gradeCase(evalCase, outcome("abc"), context());
    expect(grade.pass).toBe(true);
    expect(grade.score).toBe(0.75);
    expect(grade.results.map((r) => r.pass)).toEqual([true, false]);
  });
});
