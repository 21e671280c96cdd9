import { createHash } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { CHAIN_TEST, chainFiles, chainPackage } from "../support/chain-package.js";
import { makePackage, type PackageDef, readLockJson, removeTempRoots } from "../support/make-package.js";
import { requestUnit, startModelWriter, userText } from "../support/model-writer.js";
import { parseJsonOutput, runCli } from "../support/run-cli.js";

afterAll(removeTempRoots);

interface BlameJson {
  path: string;
  state: string;
  line?: { number: number; text: string; origin: string };
  package: { name: string; version: string };
  unit: string;
  model: string;
  modelParams: Record<string, unknown>;
  build: { id: string; time: string };
  iteration?: number;
  iterations: number;
  layers: { kind: string; path: string; hash: string; changed: boolean }[];
  criteria: { id: string; title: string; tests: string[] }[];
  requests: string[];
}

const CRITERIA = "# Criteria\n\n- AC-1: c() returns 3.\n- AC-2: a() returns 1.\n";
const A_TEST =
  'import assert from "node:assert/strict";\nimport { test } from "node:test";\nimport { a } from "../src/a.js";\n\ntest("AC-2 a returns 1", () => assert.equal(a(), 1));\n';

function withCriteria(): PackageDef {
  return chainPackage({
    files: { "acceptance.md": CRITERIA },
    manifest: { validation: { criteria: "acceptance.md", tests: ["test/**"], command: "node --test" } },
    tests: {
      "test/chain.test.js": CHAIN_TEST.replace("c counts to three", "AC-1 c counts to three"),
      "test/a.test.js": A_TEST,
    },
  });
}

async function built(def: PackageDef = chainPackage(), ...buildArgs: string[]) {
  const started = await startModelWriter({ files: chainFiles() });
  const { dir } = await makePackage(def);
  const build = await runCli(["build", ...buildArgs], { cwd: dir, env: started.env });
  expect(build.code, build.stderr).toBe(0);
  return { dir, ...started };
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("specprompt blame", () => {
  test("traces a file to its unit, package version, layers with hashes, model, build and criteria", async () => {
    const { dir } = await built(withCriteria());
    const lock = readLockJson(dir);

    const result = await runCli(["blame", "src/a.js", "--json"], { cwd: dir });

    expect(result.code, result.stderr).toBe(0);
    const report = parseJsonOutput<BlameJson>(result);
    expect(report).toMatchObject({
      path: "src/a.js",
      state: "clean",
      package: { name: "e2e-pkg", version: "0.1.0" },
      unit: "a",
      model: "openai:gpt-test",
      modelParams: { temperature: 0 },
      build: { id: lock.units.a!.buildId },
      iteration: 1,
      iterations: 1,
      requests: lock.units.a!.requests,
    });
    const layers = Object.fromEntries(report.layers.map((layer) => [`${layer.kind} ${layer.path}`, layer]));
    expect(Object.keys(layers).sort()).toEqual([
      "core core.md",
      "criteria acceptance.md",
      "guide guide.md",
      "prompt units/a.md",
      "test test/a.test.js",
      "test test/chain.test.js",
    ]);
    expect(layers["prompt units/a.md"]).toMatchObject({
      hash: sha256(readFileSync(join(dir, "units/a.md"), "utf8")),
      changed: false,
    });
    // Only the test that imports src/a.js covers unit a.
    expect(report.criteria).toEqual([{ id: "AC-2", title: "a() returns 1.", tests: ["AC-2 a returns 1"] }]);
  });

  test("names the needed units among the layers and marks layers changed since the build", async () => {
    const { dir } = await built();
    writeFileSync(join(dir, "core.md"), "# chain\n\nCount to three, slowly.\n");

    const report = parseJsonOutput<BlameJson>(await runCli(["blame", "src/c.js", "--json"], { cwd: dir }));

    expect(report.layers.find((layer) => layer.kind === "needs")).toEqual({
      kind: "needs",
      path: "b",
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      changed: false,
    });
    expect(report.layers.find((layer) => layer.kind === "core")?.changed).toBe(true);
  });

  test("tells a line the build wrote from a line added by hand", async () => {
    const { dir } = await built();
    writeFileSync(
      join(dir, "src/b.js"),
      'import { a } from "./a.js";\n\n// note\nexport const b = () => a() + 1;\n',
    );

    const handLine = await runCli(["blame", "src/b.js:3"], { cwd: dir });
    const builtLine = parseJsonOutput<BlameJson>(
      await runCli(["blame", "src/b.js:4", "--json"], { cwd: dir }),
    );

    expect(handLine.code, handLine.stderr).toBe(0);
    expect(handLine.stdout).toContain("src/b.js:3: generated, edited by hand since the build");
    expect(handLine.stdout).toContain("line 3: a hand edit (not what the build wrote)");
    expect(handLine.stdout).toMatch(/^unit {6}b$/m);
    expect(builtLine.line).toEqual({
      number: 4,
      text: "export const b = () => a() + 1;",
      origin: "generated",
    });
  });

  test("refuses files no build wrote, paths outside any package and lines past the end (exit 2)", async () => {
    const { dir } = await built();
    writeFileSync(join(dir, "notes.txt"), "mine\n");

    const handMade = await runCli(["blame", "notes.txt"], { cwd: dir });
    const outside = await runCli(["blame", "/etc/hostname"], { cwd: dir });
    const pastEnd = await runCli(["blame", "src/a.js:40"], { cwd: dir });

    expect(handMade.code).toBe(2);
    expect(handMade.stderr).toContain("notes.txt was not generated by a build of e2e-pkg");
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain("/etc/hostname is not inside a specprompt package");
    expect(pastEnd.code).toBe(2);
    expect(pastEnd.stderr).toContain("there is no line 40");
  });
});

describe("build --stamp", () => {
  test("starts each generated file with a header naming package and unit, and the lock hashes what was written", async () => {
    const { dir } = await built(chainPackage(), "--stamp");

    const a = readFileSync(join(dir, "src/a.js"), "utf8");
    const status = await runCli(["status"], { cwd: dir });

    expect(a).toBe(
      `// @generated by specprompt from e2e-pkg, unit a: change the package, not this file\n${chainFiles().a!["src/a.js"]}`,
    );
    expect(readLockJson(dir).units.a!.outputs["src/a.js"]).toBe(sha256(a));
    expect(status.stdout).toContain("clean");
  });

  test("is off by default", async () => {
    const { dir } = await built();

    expect(readFileSync(join(dir, "src/a.js"), "utf8")).toBe(chainFiles().a!["src/a.js"]);
  });

  test("a stamped file is recovered from the cache for diff when the objects are gone", async () => {
    const { dir } = await built(chainPackage(), "--stamp");
    rmSync(join(dir, ".specprompt/objects"), { recursive: true });
    writeFileSync(join(dir, "src/a.js"), "export const a = () => 1;\n");

    const result = await runCli(["diff"], { cwd: dir });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("-// @generated by specprompt from e2e-pkg, unit a");
  });
});

describe("specprompt prompt --from-lock", () => {
  test("shows the requests recorded for a unit, exactly as the model received them", async () => {
    const { dir, server } = await built();

    const text = await runCli(["prompt", "--from-lock", "--unit", "b"], { cwd: dir });
    const json = await runCli(["prompt", "--from-lock", "--unit", "b", "--json"], { cwd: dir });

    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^# unit b → openai:gpt-test: 2 requests of build /);
    expect(text.stdout).toContain("Write `src/b.js` exporting `b()`");
    expect(text.stdout).toContain("# → write_file src/b.js");
    const view = parseJsonOutput<{
      requests: { key: string; request: { messages: { role: string; content: string }[] } }[];
    }>(json);
    expect(view.requests.map((request) => request.key)).toEqual(readLockJson(dir).units.b!.requests);
    const sent = server.requests.filter((request) => requestUnit(request) === "b");
    expect(view.requests).toHaveLength(sent.length);
    expect(view.requests[0]!.request.messages[1]).toEqual({ role: "user", content: userText(sent[0]!) });
  });

  test("says what to do when the cache no longer has a recorded request (exit 2)", async () => {
    const { dir } = await built();
    rmSync(join(dir, ".specprompt/cache"), { recursive: true });

    const result = await runCli(["prompt", "--from-lock", "--unit", "a"], { cwd: dir });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/request 1 of 2 of unit a \(build [^)]+\) is not in \.specprompt\/cache/);
    expect(result.stderr).toContain("hint: the cache is written by build and committed with the lock");
  });
});
