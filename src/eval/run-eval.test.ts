/**
 * The runner with the real definition side (package loader, template, case files, assertions)
 * on packages written to a temporary folder, over real HTTP against the fake model server.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { closedBaseURL } from "../../test/support/closed-port.js";
import { type FakeModelServer, startFakeModelServer } from "../../test/support/fake-model-server.mjs";
import { SpecPromptError } from "../errors.js";
import { runEval } from "./run-eval.js";
import type { EvalEvent, EvalOptions, ResultRecord } from "./run-types.js";

let root: string;
let server: FakeModelServer;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "specprompt-run-eval-"));
  server = await startFakeModelServer();
  // The model answers from a fixed table ("no idea" otherwise), in capitals when told to shout;
  // as a grader it passes every output.
  server.setHandler((request) => ({ text: answerFor(request.body), usage: { input: 7, output: 3 } }));
});
afterEach(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

const ANSWERS: Record<string, string> = { "2+2": "4", "capital of France": "Paris", "3*3": "9" };

// biome-ignore lint/suspicious/noExplicitAny: protocol JSON
function answerFor(body: any): string {
  const user: string = body.messages.at(-1).content;
  if (user.startsWith("<rubric>")) return '{"pass": true, "score": 1, "reason": "fine"}';
  const question = /Q: (.*)$/.exec(user)?.[1] ?? "";
  const style = body.messages[0].role === "system" ? body.messages[0].content : "";
  return style.includes("shout")
    ? (ANSWERS[question] ?? "no idea").toUpperCase()
    : (ANSWERS[question] ?? "no idea");
}

/** One case of a case file: asks `q`, expects exactly `expected`. */
function makeCase(q: string, expected: string, extra: Record<string, unknown> = {}) {
  return { description: `asks ${q}`, vars: { q }, assert: [{ type: "equals", value: expected }], ...extra };
}

const CASES = [makeCase("2+2", "4"), makeCase("capital of France", "Paris"), makeCase("3*3", "9")];
const id = (index: number) => `evals/cases.jsonl#${index}`;

interface Versions {
  /** Package folder (under the test's root) → how that version differs. */
  [dir: string]: { system?: string; threshold?: number; version?: string };
}

/** Writes each version as a `kind: prompt` package with the same case file. */
async function writePackages(versions: Versions, cases: object[]): Promise<void> {
  for (const [dir, spec] of Object.entries(versions)) {
    const folder = join(root, dir);
    await mkdir(join(folder, "evals"), { recursive: true });
    const manifest = [
      "name: qa",
      `version: ${spec.version ?? "1.0.0"}`,
      "kind: prompt",
      "template: prompt.md",
      "model: openai:gpt-4o-mini",
      "modelParams: { temperature: 0 }",
      "grader: openai:grader",
      "evals: [evals/*.jsonl]",
      ...(spec.threshold === undefined ? [] : [`threshold: ${spec.threshold}`]),
    ];
    await writeFile(join(folder, "specprompt.yaml"), `${manifest.join("\n")}\n`);
    await writeFile(join(folder, "prompt.md"), `[system]\n${spec.system ?? "be brief"}\n[user]\nQ: {{q}}\n`);
    await writeFile(join(folder, "evals/cases.jsonl"), `${cases.map((c) => JSON.stringify(c)).join("\n")}\n`);
  }
}

async function evaluate(extra: Partial<EvalOptions> & { versions?: Versions; cases?: object[] } = {}) {
  await writePackages(extra.versions ?? { pkg: {} }, extra.cases ?? CASES);
  const events: EvalEvent[] = [];
  const { versions: _versions, cases: _cases, ...options } = extra;
  const result = await runEval({
    dir: "pkg",
    cwd: root,
    env: { OPENAI_BASE_URL: server.openaiBaseURL, OPENAI_API_KEY: "sk-test" },
    reporter: (event) => events.push(event),
    sleep: async () => {},
    ...options,
  });
  return { result, events, records: readRecords(result.runDir) };
}

function readRecords(runDir: string): ResultRecord[] {
  const path = join(runDir, "results.jsonl");
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ResultRecord);
}

describe("runEval", () => {
  it("runs every case once per repeat and model, and streams one record per job to disk", async () => {
    const cases = [makeCase("2+2", "4", { repeat: 2 }), makeCase("3*3", "9")];
    const { result, records } = await evaluate({
      cases,
      models: ["openai:gpt-4o-mini", "openai:gpt-4.1-nano"],
    });

    expect(records).toHaveLength(6);
    expect(new Set(records.map((record) => record.key)).size).toBe(6);
    expect(result.summary).toMatchObject({ total: 6, passed: 6, failed: 0, passRate: 1 });
    expect(Object.keys(result.summary.byModel)).toEqual(["openai:gpt-4o-mini", "openai:gpt-4.1-nano"]);
    expect(result.summary.byModel["openai:gpt-4.1-nano"]).toMatchObject({ total: 3, passed: 3 });
    // Each repeat is its own request: the two repeats of case 0 on one model are both sent.
    expect(server.requests).toHaveLength(6);
    expect(new Set(server.requests.map((request) => request.body.model))).toEqual(
      new Set(["gpt-4o-mini", "gpt-4.1-nano"]),
    );
    expect(result.summary.tokens).toEqual({ input: 42, output: 18 });
    expect(result.summary.cost).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(join(result.runDir, "run.json"), "utf8"))).toMatchObject({
      status: "complete",
      total: 6,
    });
  });

  it("answers a second run from the cache without a request, and --no-cache asks again", async () => {
    const first = await evaluate();
    expect(first.result.calls).toMatchObject({ calls: 3, cached: 0 });
    expect(server.requests).toHaveLength(3);

    const second = await evaluate();
    expect(server.requests).toHaveLength(3);
    expect(second.result.calls).toMatchObject({
      calls: 0,
      cached: 3,
      spent: { tokens: { input: 0, output: 0 } },
    });
    expect(second.records.every((record) => record.cached)).toBe(true);
    expect(second.result.summary).toMatchObject({
      passed: 3,
      cachedCalls: 3,
      tokens: { input: 21, output: 9 },
    });

    await evaluate({ cache: false });
    expect(server.requests).toHaveLength(6);
  });

  it("sends one request for identical requests in flight together", async () => {
    const cases = [makeCase("2+2", "4"), makeCase("2+2", "4"), makeCase("2+2", "4")];
    const { result, records } = await evaluate({ cases, cache: false });
    expect(server.requests).toHaveLength(1);
    expect(records.filter((record) => record.cached)).toHaveLength(2);
    expect(result.summary.passed).toBe(3);
  });

  it("retries a 429 without headers and counts exactly one extra request per 429", async () => {
    server.enqueue({ status: 429 }, { status: 429 });
    const { result, events } = await evaluate();
    expect(result.summary.passed).toBe(3);
    expect(server.requests).toHaveLength(5);
    expect(result.calls).toMatchObject({ calls: 3, attempts: 5, retries: 2, rateLimited: 2 });
    expect(events.filter((event) => event.type === "retry")).toHaveLength(2);
  });

  it("retries 5xx replies and a dropped connection until the call succeeds", async () => {
    server.enqueue({ status: 500 }, { status: 503 }, { status: 502 });
    const { result } = await evaluate({ concurrency: 1 });
    expect(result.summary).toMatchObject({ passed: 3, errors: 0 });
    expect(server.requests).toHaveLength(6);
  });

  it("fails only the case whose request is rejected with a 4xx, with the error recorded", async () => {
    server.enqueue({ status: 400, text: "bad request: context too long" });
    const { result, records } = await evaluate({ concurrency: 1 });
    expect(result.summary).toMatchObject({ total: 3, passed: 2, failed: 1, errors: 1 });
    expect(result.summary.failuresByAssertion).toEqual({ error: 1 });
    const failed = records.find((record) => !record.pass)!;
    expect(failed.error).toMatch(/HTTP 400.*context too long/);
    expect(server.requests).toHaveLength(3);
  });

  it("records a malformed response body as the case's error", async () => {
    server.enqueue({ rawBody: "{ not json" });
    const { result, records } = await evaluate({ concurrency: 1 });
    expect(result.summary.errors).toBe(1);
    expect(records.find((record) => record.error)?.error).toMatch(/malformed|JSON|parse/i);
  });

  it("times out a call that never answers and fails that case once retries are spent", async () => {
    server.enqueue({ hang: true }, { hang: true });
    const { result, records } = await evaluate({ concurrency: 1, timeoutMs: 50, maxRetries: 1 });
    expect(result.summary).toMatchObject({ passed: 2, errors: 1 });
    expect(records.find((record) => record.error)?.error).toMatch(
      /openai:gpt-4o-mini did not answer within 50 ms \(2 attempts\)/,
    );
  });

  it("stops the whole run when nothing listens at the provider's address", async () => {
    const error = await evaluate({
      env: { OPENAI_BASE_URL: await closedBaseURL(), OPENAI_API_KEY: "sk-test" },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SpecPromptError);
    expect((error as SpecPromptError).code).toBe("E_PROVIDER_CONFIG");
  });

  it("refuses before any call when a case lacks a variable the template needs", async () => {
    const cases = [makeCase("2+2", "4"), { ...makeCase("x", "y"), vars: {} }];
    const error = (await evaluate({ cases }).catch((caught: unknown) => caught)) as SpecPromptError;
    expect(error.code).toBe("E_TEMPLATE");
    expect(error.message).toMatch(/^case evals\/cases\.jsonl#1: missing variable 'q'/);
    expect(server.requests).toHaveLength(0);
  });

  it("fails the gate when the pass rate is below the threshold", async () => {
    const cases = [...CASES, makeCase("unknown", "42")];
    const below = await evaluate({ cases, versions: { pkg: { threshold: 0.8 } } });
    expect(below.result.summary.passRate).toBe(0.75);
    expect(below.result).toMatchObject({ gate: "failed", status: "failed", threshold: 0.8 });
    const at = await evaluate({ cases, versions: { pkg: { threshold: 0.75 } } });
    expect(at.result).toMatchObject({ gate: "passed", status: "passed" });
  });

  it("routes llm-rubric grader calls through the cache and counts their tokens", async () => {
    server.setHandler((request) => {
      const content: string = request.body.messages.at(-1).content;
      if (content.startsWith("<rubric>")) {
        return {
          text: '{"pass": true, "score": 1, "reason": "it is four"}',
          usage: { input: 100, output: 1 },
        };
      }
      return { text: answerFor(request.body), usage: { input: 7, output: 3 } };
    });
    const cases = [makeCase("2+2", "4", { assert: [{ type: "llm-rubric", value: "is four" }] })];
    const first = await evaluate({ cases });
    expect(first.records[0]).toMatchObject({
      pass: true,
      grading: { usage: { inputTokens: 100, outputTokens: 1 } },
      assertions: [{ type: "llm-rubric", pass: true, grader: { model: "openai:grader", rubric: "is four" } }],
    });
    expect(server.requests.map((request) => request.body.model)).toEqual(["gpt-4o-mini", "grader"]);
    expect(first.result.summary.tokens).toEqual({ input: 107, output: 4 });
    await evaluate({ cases });
    expect(server.requests).toHaveLength(2);
  });
});

describe("runEval --resume", () => {
  it("continues an interrupted run with only the jobs that did not finish", async () => {
    const cases = Array.from({ length: 12 }, (_, i) => makeCase(`unknown ${i}`, "no idea"));
    const controller = new AbortController();
    let seen = 0;
    const interrupted = await evaluate({
      cases,
      concurrency: 2,
      signal: controller.signal,
      reporter: (event) => {
        if (event.type === "result" && ++seen === 5) controller.abort();
      },
    }).catch((error: unknown) => error);
    expect((interrupted as Error).name).toBe("AbortError");
    const runs = join(root, "pkg", ".specprompt", "evals");
    const [runId] = readdirSync(runs);
    expect(JSON.parse(readFileSync(join(runs, runId!, "run.json"), "utf8")).status).toBe("interrupted");
    const before = readRecords(join(runs, runId!)).length;
    expect(before).toBeGreaterThanOrEqual(5);
    expect(before).toBeLessThan(12);

    const resumed = await evaluate({ cases, resume: true, cache: false });
    expect(resumed.result.runId).toBe(runId);
    expect(resumed.result.resumed).toBe(before);
    expect(resumed.result.calls.calls).toBe(12 - before);
    expect(resumed.records).toHaveLength(12);
    expect(new Set(resumed.records.map((record) => record.key)).size).toBe(12);
    expect(resumed.result.summary).toMatchObject({ total: 12, passed: 12 });

    const again = await evaluate({ cases, resume: true }).catch((error: unknown) => error);
    expect((again as Error).message).toMatch(/nothing to resume: the last run .* finished/);
  });

  it("refuses to resume a run of other cases or another model, and says what changed", async () => {
    const controller = new AbortController();
    await evaluate({
      signal: controller.signal,
      concurrency: 1,
      reporter: (event) => {
        if (event.type === "result") controller.abort();
      },
    }).catch(() => {});
    const otherCases = (await evaluate({ cases: CASES.slice(0, 2), resume: true }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(otherCases.message).toMatch(/cannot resume run .*: the cases changed/);
    const otherModel = (await evaluate({ models: ["openai:gpt-4.1"], resume: true }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(otherModel.message).toMatch(/it ran openai:gpt-4o-mini, not openai:gpt-4.1/);
  });
});

describe("runEval --compare", () => {
  it("runs both versions on the same cases and calls six newly failing pairs a regression", async () => {
    // The new version shouts: "PARIS" fails where "Paris" passed; "4" is the same either way.
    const cases = Array.from({ length: 8 }, (_, i) =>
      i < 6
        ? makeCase("capital of France", "Paris", { vars: { q: "capital of France", n: i } })
        : makeCase("2+2", "4", { vars: { q: "2+2", n: i } }),
    );
    const { result } = await evaluate({
      cases,
      compare: "old",
      versions: { pkg: { system: "shout", version: "1.1.0" }, old: { version: "1.0.0" } },
    });
    expect(result.compare).toMatchObject({
      baseline: { label: "old", version: "1.0.0", source: "folder" },
      pairs: 8,
      passRate: { baseline: 1, current: 0.25, change: -0.75 },
      verdict: "regression",
    });
    expect(result.compare!.pValue).toBeCloseTo(0.03125, 10);
    expect(result.compare!.newlyFailing.map((change) => change.caseId)).toEqual(
      Array.from({ length: 6 }, (_, i) => id(i)),
    );
    expect(result.compare!.newlyFailing[0]!.reason).toMatch(/^equals: .*PARIS/);
    expect(result.compare!.newlyPassing).toEqual([]);
    expect(result.status).toBe("failed");
    expect(result.baselineSummary).toMatchObject({ total: 8, passed: 8 });
  });

  it("shares the calls of a version whose requests did not change", async () => {
    const { result } = await evaluate({
      compare: "old",
      versions: { pkg: { version: "1.1.0" }, old: { version: "1.0.0" } },
    });
    expect(server.requests).toHaveLength(3);
    expect(result.compare).toMatchObject({ pairs: 3, verdict: "no significant change", pValue: 1 });
    expect(result.status).toBe("passed");
  });
});
