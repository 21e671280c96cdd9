import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { parse, stringify } from "yaml";
import { chainFiles, chainPackage } from "../support/chain-package.js";
import {
  makePackage,
  manifestText,
  type PackageDef,
  readLockJson,
  removeTempRoots,
  writeText,
} from "../support/make-package.js";
import { parseJsonOutput, runCli } from "../support/run-cli.js";
import { startRefiningModel } from "./refine-support.js";

afterAll(removeTempRoots);

const A_TEST = `import assert from "node:assert/strict";
import { test } from "node:test";
import { a } from "../src/a.js";

test("AC-1: a returns one", () => {
  assert.equal(a(), 1);
});
`;

/**
 * A coding agent that gets it wrong first and right when its prompt carries a failure report; it
 * logs what it saw (the file it found, whether the failure was in the prompt) to a file outside.
 */
const AGENT = `import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

let prompt = "";
for await (const chunk of process.stdin) prompt += chunk;
const refining = prompt.includes("## Validation failed");
const found = existsSync("src/a.js") ? readFileSync("src/a.js", "utf8").trim() : "(none)";
appendFileSync(process.argv[2], JSON.stringify({ refining, found, failure: prompt.includes("2 !== 1") }) + "\\n");
mkdirSync("src", { recursive: true });
writeFileSync("src/a.js", refining ? "export const a = () => 1;\\n" : "export const a = () => 2;\\n");
`;

/** A package whose manifest gets `validation` fields beyond what makePackage writes. */
async function packageWith(
  def: PackageDef,
  validation: Record<string, unknown>,
  extra: Record<string, string> = {},
) {
  const manifest = parse(manifestText(def));
  Object.assign(manifest.validation, validation);
  return makePackage({ ...def, files: { ...def.files, ...extra, "specprompt.yaml": stringify(manifest) } });
}

describe("the refine loop with a cmd: agent", () => {
  test("an agent gets the failure report as its next prompt, in a tree holding its current files", async () => {
    const { root, dir } = await makePackage({
      units: { a: { prompt: "Write `src/a.js` exporting `a()`, which returns 1.\n", owns: ["src/a.js"] } },
      tests: { "test/a.test.js": A_TEST },
    });
    const agent = join(root, "agent.mjs");
    const log = join(root, "agent-log.jsonl");
    await writeText(agent, AGENT);

    const result = await runCli(["build", "--model", `cmd:node ${agent} ${log}`], { cwd: dir });

    expect(result.code, result.stderr).toBe(0);
    const runs = readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(runs).toEqual([
      { refining: false, found: "(none)", failure: false },
      { refining: true, found: "export const a = () => 2;", failure: true },
    ]);
    expect(readFileSync(join(dir, "src/a.js"), "utf8")).toBe("export const a = () => 1;\n");
    const lock = readLockJson(dir) as unknown as { units: { a: { iterations: number; requests: string[] } } };
    expect(lock.units.a.iterations).toBe(2);
    expect(lock.units.a.requests).toHaveLength(2);
  });
});

describe("acceptance criteria", () => {
  const criteria = "# Criteria\n\n- AC-1: a returns one.\n- AC-2: a is fast.\n";
  const def: PackageDef = {
    units: { a: { prompt: "Write `src/a.js`.\n", owns: ["src/a.js"] } },
    tests: { "test/a.test.js": A_TEST },
  };

  test("the build report lists the criteria no test names", async () => {
    const model = await startRefiningModel({ a: { "src/a.js": "export const a = () => 1;\n" } });
    const { dir } = await packageWith(def, { criteria: "acceptance.md" }, { "acceptance.md": criteria });

    const text = await runCli(["build"], { cwd: dir, env: model.env });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(
      "criteria: 1 of 2 named by a test; not covered:\n  AC-2  acceptance.md:4  a is fast.\n",
    );

    await writeText(join(dir, "units/a.md"), "Write `src/a.js`, please.\n");
    const json = parseJsonOutput<{
      criteria: { total: number; covered: Record<string, string[]>; uncovered: unknown[] };
    }>(await runCli(["build", "--json"], { cwd: dir, env: model.env }));
    expect(json.criteria).toEqual({
      file: "acceptance.md",
      total: 2,
      covered: { "AC-1": ["AC-1: a returns one"] },
      uncovered: [{ id: "AC-2", title: "a is fast.", line: 4, file: "acceptance.md" }],
    });
  });

  test("validation.requireCoverage fails a build that leaves one uncovered, before asking any model", async () => {
    const model = await startRefiningModel({ a: { "src/a.js": "export const a = () => 1;\n" } });
    const { dir } = await packageWith(
      def,
      { criteria: "acceptance.md", requireCoverage: true },
      { "acceptance.md": criteria },
    );

    const result = await runCli(["build"], { cwd: dir, env: model.env });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("AC-2  acceptance.md:4  a is fast.");
    expect(result.stderr).toMatch(/build failed: validation\.requireCoverage is set and no test names AC-2/);
    expect(model.server.requests).toHaveLength(0);
    expect(existsSync(join(dir, "specprompt.lock"))).toBe(false);

    const json = parseJsonOutput<{ status: string; failure: { reason: string } }>(
      await runCli(["build", "--json"], { cwd: dir, env: model.env }),
    );
    expect(json).toMatchObject({ status: "failed", failure: { reason: "coverage" } });
  });
});

describe("build --model", () => {
  test("rebuilds with the other model and compares it with the lock: tests, iterations, tokens, cost, time", async () => {
    const right = chainFiles();
    const model = await startRefiningModel(right, {}, (name) =>
      name === "gpt-test" ? { input: 4000, output: 1000 } : { input: 3000, output: 1200 },
    );
    const { dir } = await makePackage(chainPackage());
    expect((await runCli(["build"], { cwd: dir, env: model.env })).code).toBe(0);

    const text = await runCli(["build", "--model", "anthropic:claude-haiku-4-5"], {
      cwd: dir,
      env: model.env,
    });

    expect(text.code, text.stderr).toBe(0);
    const table = text.stdout.slice(text.stdout.indexOf("compared with"));
    expect(table).toMatch(
      /^compared with specprompt\.lock \(3 units\): openai:gpt-test → anthropic:claude-haiku-4-5\n/,
    );
    expect(table).toMatch(/^ +before +after +change$/m);
    expect(table).toMatch(/^ {2}tests passing {3}1\/1 +1\/1 +±0$/m);
    expect(table).toMatch(/^ {2}iterations +1 +1 +±0$/m);
    // Three units, each one answer with files and one follow-up of 20 in / 5 out.
    expect(table).toMatch(/^ {2}tokens in +12\.1k +9\.1k +-3\.0k \(-25%\)$/m);
    expect(table).toMatch(/^ {2}tokens out +3\.0k +3\.6k +\+600 \(\+20%\)$/m);
    expect(table).toMatch(/^ {2}cost +— +\$0\.\d{4} +—$/m);
    expect(table).toMatch(/^ {2}time +\d+ms +\d+ms +[+-]\d+ms/m);

    const json = parseJsonOutput<{
      comparison: { units: string[]; before: { models: string[] }; after: { models: string[] } };
    }>(await runCli(["build", "--model", "openai:gpt-test", "--json"], { cwd: dir, env: model.env }));
    expect(json.comparison).toMatchObject({
      units: ["a", "b", "c"],
      before: { models: ["anthropic:claude-haiku-4-5"] },
      after: { models: ["openai:gpt-test"] },
    });
  });
});
