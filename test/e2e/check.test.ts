import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { CHAIN_TEST, chainFiles, chainPackage } from "../support/chain-package.js";
import { makePackage, manifestText, type PackageDef, removeTempRoots } from "../support/make-package.js";
import { startModelWriter } from "../support/model-writer.js";
import { parseJsonOutput, runCli } from "../support/run-cli.js";

afterAll(removeTempRoots);

interface CheckJson {
  package: { name: string } | null;
  passed: boolean;
  checks: { check: string; status: string; message: string; details: string[] }[];
  warnings: string[];
}

async function built(def: PackageDef = chainPackage()): Promise<string> {
  const { env } = await startModelWriter({ files: chainFiles() });
  const { dir } = await makePackage(def);
  const build = await runCli(["build"], { cwd: dir, env });
  expect(build.code, build.stderr).toBe(0);
  return dir;
}

async function check(dir: string): Promise<{ code: number | null; report: CheckJson }> {
  const result = await runCli(["check", "--json"], { cwd: dir });
  return { code: result.code, report: parseJsonOutput<CheckJson>(result) };
}

const statuses = (report: CheckJson) =>
  Object.fromEntries(report.checks.map((item) => [item.check, item.status]));

const CRITERIA = "# Acceptance criteria\n\n- AC-1: c() returns 3.\n- AC-2: b() returns 2.\n";

describe("specprompt check", () => {
  test("passes a package that is built, current and untouched (exit 0)", async () => {
    const dir = await built();

    const text = await runCli(["check"], { cwd: dir });
    const { code, report } = await check(dir);

    expect(text.code).toBe(0);
    expect(text.stdout.split("\n")[0]).toBe("e2e-pkg@0.1.0: check passed");
    expect(text.stdout).toMatch(/ok +validation +node --test passed in build /);
    expect(code).toBe(0);
    expect(statuses(report)).toEqual({
      manifest: "pass",
      stale: "pass",
      drift: "pass",
      validation: "pass",
      coverage: "skip",
    });
  });

  test("fails listing every failed item: stale units and hand edits (exit 1)", async () => {
    const dir = await built();
    writeFileSync(
      join(dir, "units/a.md"),
      "Write `src/a.js` exporting `a()`, which returns 1, as a one-liner.\n",
    );
    writeFileSync(join(dir, "src/b.js"), "export const b = () => 2;\n");

    const text = await runCli(["check"], { cwd: dir });
    const { code, report } = await check(dir);

    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/FAIL +stale +3 units would regenerate/);
    expect(text.stdout).toContain("a: unit prompt changed");
    expect(text.stdout).toMatch(/FAIL +drift +1 generated file was changed by hand/);
    expect(text.stdout).toContain("modified src/b.js (unit b)");
    expect(code).toBe(1);
    expect(report.passed).toBe(false);
    expect(statuses(report)).toMatchObject({ stale: "fail", drift: "fail", validation: "pass" });
  });

  test("fails when the lock records a failed validation", async () => {
    const dir = await built();
    const lockPath = join(dir, "specprompt.lock");
    const lock = JSON.parse(readFileSync(lockPath, "utf8"));
    lock.build.validation = { command: "node --test", passed: false, exitCode: 1 };
    writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);

    const { code, report } = await check(dir);

    expect(code).toBe(1);
    expect(report.checks.find((item) => item.check === "validation")).toMatchObject({
      status: "fail",
      message: "the last build's validation failed: node --test exited 1",
    });
  });

  test("with requireCoverage, fails naming each criterion no test names", async () => {
    const validation = { criteria: "acceptance.md", tests: ["test/**"], command: "node --test" };
    const def = chainPackage({
      files: { "acceptance.md": CRITERIA },
      manifest: { validation },
      tests: { "test/chain.test.js": CHAIN_TEST.replace("c counts to three", "AC-1 c counts to three") },
    });
    const dir = await built(def);
    // Required only now: a build with requireCoverage would have refused to start.
    const required = { ...def, manifest: { validation: { ...validation, requireCoverage: true } } };
    writeFileSync(join(dir, "specprompt.yaml"), manifestText(required));

    const { code, report } = await check(dir);
    writeFileSync(
      join(dir, "test/b.test.js"),
      'import assert from "node:assert/strict";\nimport { test } from "node:test";\nimport { b } from "../src/b.js";\n\ntest("AC-2 b returns 2", () => assert.equal(b(), 2));\n',
    );
    const afterTest = await check(dir);

    expect(code).toBe(1);
    expect(report.checks.find((item) => item.check === "coverage")).toEqual({
      check: "coverage",
      status: "fail",
      message: "1 of 2 criteria are named by no test",
      details: ["AC-2 (acceptance.md:4): b() returns 2."],
    });
    // The new test covers AC-2, and is a new input: the units are stale until rebuilt.
    expect(statuses(afterTest.report)).toMatchObject({ coverage: "pass", stale: "fail" });
  });

  test("an invalid manifest is a failed item (exit 1) and the other items are skipped", async () => {
    const dir = await built();
    const manifestPath = join(dir, "specprompt.yaml");
    writeFileSync(manifestPath, readFileSync(manifestPath, "utf8").replace("version: 0.1.0", "version: one"));

    const text = await runCli(["check"], { cwd: dir });
    const { code, report } = await check(dir);

    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/FAIL +manifest +specprompt\.yaml:\d+:\d+: version: /);
    expect(code).toBe(1);
    expect(report.package).toBeNull();
    expect(statuses(report)).toEqual({
      manifest: "fail",
      stale: "skip",
      drift: "skip",
      validation: "skip",
      coverage: "skip",
    });
  });

  test("no package, or a package never built, is bad input (exit 2)", async () => {
    const { dir } = await makePackage(chainPackage());

    const neverBuilt = await runCli(["check"], { cwd: dir });
    const noPackage = await runCli(["check", "no-such-folder"], { cwd: dir });

    expect(neverBuilt.code).toBe(2);
    expect(neverBuilt.stderr).toContain("e2e-pkg has never been built");
    expect(noPackage.code).toBe(2);
    expect(noPackage.stderr).toContain("no such file or folder: no-such-folder");
  });
});
