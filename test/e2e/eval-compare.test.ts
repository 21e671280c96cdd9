/** `specprompt eval --compare`: two versions of a runtime prompt on the same cases, through the built CLI. */
import { execFileSync } from "node:child_process";
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, test } from "vitest";
import { type FakeModelServer, startFakeModelServer } from "../support/fake-model-server.mjs";
import { createTempRoot, removeTempRoots, writeText } from "../support/make-package.js";
import { parseJsonOutput, runCli } from "../support/run-cli.js";

afterAll(removeTempRoots);

let server: FakeModelServer;
beforeEach(async () => {
  server = await startFakeModelServer();
  // The model follows the system prompt: "Answer in French." makes every answer French.
  server.setHandler((request) => {
    const system: string = request.body.messages[0].content;
    return { text: system.includes("French") ? "Bonjour !" : "Hello!" };
  });
});
afterEach(async () => {
  await server.close();
});

const env = () => ({ OPENAI_BASE_URL: server.openaiBaseURL, OPENAI_API_KEY: "sk-test" });

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@t",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@t",
    },
  }).trim();
}

/** A git repository with `greeter` 1.0.0 (English) committed and tagged, and 1.1.0 (French) in the work tree. */
async function makeRepo(): Promise<{ root: string; dir: string }> {
  const root = await createTempRoot();
  const dir = join(root, "prompts/greeter");
  const manifest = (version: string) =>
    `name: greeter\nversion: ${version}\nkind: prompt\ntemplate: prompt.md\nmodel: openai:gpt-4o-mini\nevals: [cases.yaml]\n`;
  const cases = Array.from(
    { length: 8 },
    (_, i) =>
      `- description: greets person ${i}\n  vars: { name: "P${i}" }\n  assert: [{ type: icontains, value: hello }]\n`,
  );
  await writeText(join(dir, "specprompt.yaml"), manifest("1.0.0"));
  await writeText(join(dir, "prompt.md"), "[system]\nAnswer in English.\n[user]\nGreet {{name}}.\n");
  await writeText(join(dir, "cases.yaml"), cases.join(""));
  git(root, "init", "-q");
  git(root, "add", "-A");
  git(root, "commit", "-qm", "greeter 1.0.0");
  git(root, "tag", "greeter@1.0.0");
  writeFileSync(join(dir, "specprompt.yaml"), manifest("1.1.0"));
  writeFileSync(join(dir, "prompt.md"), "[system]\nAnswer in French.\n[user]\nGreet {{name}}.\n");
  return { root, dir };
}

interface CompareReport {
  summary: { passRate: number };
  baselineSummary: { passRate: number };
  compare: {
    baseline: { label: string; version: string; source: string };
    pairs: number;
    verdict: string;
    pValue: number;
    newlyFailing: Array<{ caseId: string; reason: string }>;
    newlyPassing: unknown[];
    passRate: { baseline: number; current: number; change: number };
  };
  results: unknown[];
  baselineResults: unknown[];
}

describe("specprompt eval --compare", () => {
  test("against a released name@version: eight newly failing cases are a regression, exit 1", async () => {
    const { dir } = await makeRepo();
    const result = await runCli(["eval", ".", "--compare", "greeter@1.0.0", "--json"], {
      cwd: dir,
      env: env(),
    });
    expect(result.code, result.stderr).toBe(1);
    const report = parseJsonOutput<CompareReport>(result);
    expect(report.compare).toMatchObject({
      baseline: { version: "1.0.0", source: "git" },
      pairs: 8,
      verdict: "regression",
      passRate: { baseline: 1, current: 0, change: -1 },
      newlyPassing: [],
    });
    expect(report.compare.baseline.label).toMatch(/^greeter@1\.0\.0 \([0-9a-f]{7}\)$/);
    expect(report.compare.pValue).toBeCloseTo(2 / 256, 10);
    expect(report.compare.newlyFailing).toHaveLength(8);
    expect(report.compare.newlyFailing[0]!.reason).toMatch(/icontains/);
    expect(report.results).toHaveLength(8);
    expect(report.baselineResults).toHaveLength(8);
    expect(server.requests).toHaveLength(16);
  });

  test("against a git ref, the text report names the verdict and the newly failing cases", async () => {
    const { dir } = await makeRepo();
    const result = await runCli(["eval", ".", "--compare", "HEAD", "--html", "report.html"], {
      cwd: dir,
      env: env(),
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/compared with HEAD \([0-9a-f]{7}\) = greeter@1\.0\.0, 8 pairs:/);
    expect(result.stdout).toContain("pass rate  100.0% → 0.0% (-100.0 points)");
    expect(result.stdout).toMatch(/newly failing \(8\):\n {4}✗ cases\.yaml#0 greets person 0/);
    expect(result.stdout).toMatch(/verdict {4}REGRESSION \(exact McNemar p = 0\.008, α = 0\.05\)/);
  });

  test("against a folder with the same template: no significant change, and each request is sent once", async () => {
    const { root, dir } = await makeRepo();
    const copy = join(root, "copy");
    cpSync(dir, copy, { recursive: true });
    const result = await runCli(["eval", ".", "--compare", "../../copy", "--json"], { cwd: dir, env: env() });
    expect(result.code, result.stderr).toBe(0);
    const report = parseJsonOutput<CompareReport>(result);
    expect(report.compare).toMatchObject({ verdict: "no significant change", pValue: 1, pairs: 8 });
    expect(server.requests).toHaveLength(8);
  });

  test("an unknown version is bad input", async () => {
    const { dir } = await makeRepo();
    const result = await runCli(["eval", ".", "--compare", "greeter@0.9.0"], { cwd: dir, env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /no tag greeter@0\.9\.0 and no commit whose prompts\/greeter\/specprompt\.yaml has version 0\.9\.0/,
    );
    expect(server.requests).toHaveLength(0);
  });
});
