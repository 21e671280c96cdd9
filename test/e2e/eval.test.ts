/**
 * `specprompt eval` as a user runs it: the built CLI, a real `kind: prompt` package on disk, and
 * the fake model server over HTTP.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, test } from "vitest";
import { type FakeModelServer, startFakeModelServer } from "../support/fake-model-server.mjs";
import { createTempRoot, removeTempRoots, writeText } from "../support/make-package.js";
import { parseJsonOutput, runCli, startCli } from "../support/run-cli.js";

afterAll(removeTempRoots);

let server: FakeModelServer;
beforeEach(async () => {
  server = await startFakeModelServer();
  // A model that adds: "What is 2 + 3?" → "It is 5." (and echoes anything else).
  server.setHandler((request) => ({ text: answer(lastUser(request.body)), usage: { input: 20, output: 5 } }));
});
afterEach(async () => {
  await server.close();
});

// biome-ignore lint/suspicious/noExplicitAny: protocol JSON
function lastUser(body: any): string {
  return body.messages.filter((message: { role: string }) => message.role === "user").at(-1).content;
}

function answer(question: string): string {
  const sum = /What is (\d+) \+ (\d+)\?/.exec(question);
  return sum ? `It is ${Number(sum[1]) + Number(sum[2])}.` : `You said: ${question}`;
}

interface PromptPackageDef {
  name?: string;
  version?: string;
  template?: string;
  threshold?: number;
  /** JSONL lines of the case file. */
  cases: object[];
  extra?: string;
}

/** Writes a `kind: prompt` package in a new temporary folder; returns its folder. */
async function makePromptPackage(def: PromptPackageDef, root?: string): Promise<string> {
  const dir = join(root ?? (await createTempRoot()), "pkg");
  await writeText(
    join(dir, "specprompt.yaml"),
    [
      `name: ${def.name ?? "adder"}`,
      `version: ${def.version ?? "1.0.0"}`,
      "kind: prompt",
      "template: prompt.md",
      "model: openai:gpt-4o-mini",
      "modelParams: { temperature: 0 }",
      "evals: [evals/*.jsonl]",
      ...(def.threshold === undefined ? [] : [`threshold: ${def.threshold}`]),
      def.extra ?? "",
    ].join("\n"),
  );
  await writeText(
    join(dir, "prompt.md"),
    def.template ?? "[system]\nAnswer in one sentence.\n[user]\n{{question}}\n",
  );
  await writeText(join(dir, "evals/cases.jsonl"), `${def.cases.map((c) => JSON.stringify(c)).join("\n")}\n`);
  return dir;
}

const sumCase = (a: number, b: number, expected = a + b) => ({
  description: `adds ${a} and ${b}`,
  vars: { question: `What is ${a} + ${b}?` },
  assert: [{ type: "contains", value: String(expected) }],
});

const env = () => ({ OPENAI_BASE_URL: server.openaiBaseURL, OPENAI_API_KEY: "sk-test" });

interface Report {
  summary: { total: number; passed: number; failed: number; passRate: number; errors: number };
  results: Array<{
    description: string;
    vars: Record<string, unknown>;
    output: string;
    pass: boolean;
    error?: string;
    cached: boolean;
  }>;
  calls: { calls: number; cached: number; attempts: number; retries: number; rateLimited: number };
  gate: string;
  runId: string;
  compare?: {
    verdict: string;
    pValue: number;
    newlyFailing: Array<{ caseId: string }>;
    newlyPassing: unknown[];
  };
  baselineResults?: unknown[];
}

describe("specprompt eval", () => {
  test("--json prints the summary and every result in case order, and a second run asks nothing", async () => {
    const dir = await makePromptPackage({
      threshold: 0.5,
      cases: [sumCase(2, 3), sumCase(1, 1, 3), sumCase(4, 4)],
    });

    const first = await runCli(["eval", dir, "--json"], { cwd: dir, env: env() });
    expect(first.code, first.stderr).toBe(0);
    const report = parseJsonOutput<Report>(first);
    expect(report.summary).toMatchObject({ total: 3, passed: 2, failed: 1, passRate: 2 / 3 });
    expect(report.results.map((r) => [r.description, r.output, r.pass])).toEqual([
      ["adds 2 and 3", "It is 5.", true],
      ["adds 1 and 1", "It is 2.", false],
      ["adds 4 and 4", "It is 8.", true],
    ]);
    expect(report.results[0]!.vars).toEqual({ question: "What is 2 + 3?" });
    expect(server.requests).toHaveLength(3);
    expect(existsSync(join(dir, ".specprompt/evals", report.runId, "results.jsonl"))).toBe(true);

    const second = await runCli(["eval", dir, "--json"], { cwd: dir, env: env() });
    expect(parseJsonOutput<Report>(second).calls).toMatchObject({ calls: 0, cached: 3 });
    expect(server.requests).toHaveLength(3);

    const uncached = await runCli(["eval", dir, "--json", "--no-cache"], { cwd: dir, env: env() });
    expect(parseJsonOutput<Report>(uncached).calls).toMatchObject({ calls: 3, cached: 0 });
    expect(server.requests).toHaveLength(6);
  });

  test("exits 1 when the pass rate is below the manifest's threshold, and says so", async () => {
    const dir = await makePromptPackage({ threshold: 0.9, cases: [sumCase(2, 3), sumCase(1, 1, 3)] });
    const result = await runCli(["eval", dir], { cwd: dir, env: env() });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/adder@1\.0\.0: 2 results/);
    expect(result.stdout).toMatch(/✗ evals\/cases\.jsonl#1 adds 1 and 1: contains: /);
    expect(result.stdout).toContain("threshold 90.0%: FAILED (pass rate 50.0%)");
  });

  test("retries a 429 without headers: one extra request per 429, and every case passes", async () => {
    const dir = await makePromptPackage({ cases: [sumCase(1, 2), sumCase(3, 4), sumCase(5, 6)] });
    server.enqueue({ status: 429 }, { status: 429 });
    const result = await runCli(["eval", dir, "--json"], { cwd: dir, env: env() });
    expect(result.code, result.stderr).toBe(0);
    const report = parseJsonOutput<Report>(result);
    expect(report.summary.passed).toBe(3);
    expect(server.requests).toHaveLength(5);
    expect(report.calls).toMatchObject({ calls: 3, attempts: 5, rateLimited: 2 });
  });

  test("records a rejected request as that case's error and goes on with the others", async () => {
    const dir = await makePromptPackage({ cases: [sumCase(1, 2), sumCase(3, 4)] });
    server.enqueue({ status: 400, text: "context length exceeded" });
    const result = await runCli(["eval", dir, "--json", "--concurrency", "1"], { cwd: dir, env: env() });
    const report = parseJsonOutput<Report>(result);
    expect(report.summary).toMatchObject({ total: 2, passed: 1, errors: 1 });
    expect(report.results[0]!.error).toMatch(/HTTP 400.*context length exceeded/);
    expect(server.requests).toHaveLength(2);
  });

  test("writes a JUnit report and an HTML report in which model output is inert text", async () => {
    server.setHandler(() => ({ text: `<script>alert("pwned")</script><img src=x onerror=alert(1)>` }));
    const dir = await makePromptPackage({
      cases: [{ vars: { question: "hi" }, assert: [{ type: "contains", value: "ok" }] }],
    });
    const result = await runCli(["eval", dir, "--junit", "out/junit.xml", "--html", "out/report.html"], {
      cwd: dir,
      env: env(),
    });
    expect(result.code, result.stderr).toBe(0);
    const xml = readFileSync(join(dir, "out/junit.xml"), "utf8");
    expect(xml).toMatch(
      /<testsuite name="adder@1\.0\.0 openai:gpt-4o-mini" tests="1" failures="1" errors="0">/,
    );
    expect(xml).toContain("&lt;script&gt;");
    const html = readFileSync(join(dir, "out/report.html"), "utf8");
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;");
  });

  test("grades llm-rubric with the grader model through the same cache", async () => {
    server.setHandler((request) => {
      const user = lastUser(request.body);
      if (user.startsWith("<rubric>")) return { text: '{"pass": true, "score": 0.9, "reason": "polite"}' };
      return { text: "Hello there!" };
    });
    const dir = await makePromptPackage({
      extra: "grader: openai:grader-model",
      cases: [
        { vars: { question: "greet me" }, assert: [{ type: "llm-rubric", value: "is a polite greeting" }] },
      ],
    });
    const first = await runCli(["eval", dir, "--json"], { cwd: dir, env: env() });
    expect(first.code, first.stderr).toBe(0);
    expect(parseJsonOutput<Report>(first).summary.passed).toBe(1);
    expect(server.requests.map((request) => request.body.model)).toEqual(["gpt-4o-mini", "grader-model"]);
    await runCli(["eval", dir, "--json"], { cwd: dir, env: env() });
    expect(server.requests).toHaveLength(2);
  });
});

describe("specprompt eval: bad input exits 2 before any request", () => {
  test("a case without a variable the template needs", async () => {
    const dir = await makePromptPackage({ cases: [sumCase(1, 2), { vars: {}, assert: [] }] });
    const result = await runCli(["eval", dir], { cwd: dir, env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/case evals\/cases\.jsonl#1: .*question/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(server.requests).toHaveLength(0);
  });

  test("a bad flag value, and --resume with nothing to resume", async () => {
    const dir = await makePromptPackage({ cases: [sumCase(1, 2)] });
    const zero = await runCli(["eval", dir, "--concurrency", "0"], { cwd: dir, env: env() });
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--concurrency takes a whole number of at least 1/);
    const resume = await runCli(["eval", dir, "--resume", "--json"], { cwd: dir, env: env() });
    expect(resume.code).toBe(2);
    expect(parseJsonOutput<{ error: { message: string } }>(resume).error.message).toMatch(
      /nothing to resume/,
    );
    expect(server.requests).toHaveLength(0);
  });

  test("--help explains the flags and shows examples", async () => {
    const root = await createTempRoot();
    const help = await runCli(["eval", "--help"], { cwd: root });
    expect(help.code).toBe(0);
    for (const flag of [
      "--model",
      "--compare",
      "--concurrency",
      "--no-cache",
      "--resume",
      "--junit",
      "--html",
      "--json",
    ]) {
      expect(help.stdout).toContain(flag);
    }
    expect(help.stdout).toMatch(/Examples:\n {2}specprompt eval/);
  });
});

describe("specprompt eval --resume", () => {
  test("after Ctrl-C, continues the run with only the cases that did not finish", async () => {
    const slow = await startFakeModelServer({ latencyMs: 150 });
    slow.setHandler((request) => ({ text: answer(lastUser(request.body)) }));
    try {
      const cases = Array.from({ length: 8 }, (_, i) => sumCase(i, 1));
      const dir = await makePromptPackage({ cases });
      const slowEnv = { OPENAI_BASE_URL: slow.openaiBaseURL, OPENAI_API_KEY: "sk-test" };
      const running = startCli(["eval", dir, "--concurrency", "1", "--no-cache"], { cwd: dir, env: slowEnv });
      while (slow.requests.length < 4) await new Promise((resolve) => setTimeout(resolve, 20));
      running.child.kill("SIGINT");
      const interrupted = await running.done;
      expect(interrupted.code).toBe(130);
      expect(interrupted.stderr).toMatch(/interrupted; .*--resume/);
      const before = slow.requests.length;

      const resumed = await runCli(["eval", dir, "--resume", "--json", "--no-cache"], {
        cwd: dir,
        env: slowEnv,
      });
      expect(resumed.code, resumed.stderr).toBe(0);
      const report = parseJsonOutput<Report>(resumed);
      expect(report.summary).toMatchObject({ total: 8, passed: 8 });
      expect(report.results).toHaveLength(8);
      // Only what had not finished is asked again (the call cut off by Ctrl-C included).
      expect(slow.requests.length - before).toBe(report.calls.calls);
      expect(report.calls.calls).toBeLessThanOrEqual(8 - 3);
    } finally {
      await slow.close();
    }
  });
});
