import { execFileSync } from "node:child_process";
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { chainPackage } from "../support/chain-package.js";
import { makePackage, manifestText, removeTempRoots, writeText } from "../support/make-package.js";
import { parseJsonOutput, runCli } from "../support/run-cli.js";

afterAll(removeTempRoots);

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8" });
}

interface Side {
  spec: string;
  name: string;
  version: string;
  commit?: string;
}

interface SemanticDiffJson {
  a: Side;
  b: Side;
  layers: Array<{
    kind: string;
    path: string;
    unit?: string;
    status: string;
    lines: { added: number; removed: number };
    sections?: Record<
      "added" | "removed" | "changed",
      Array<{ title: string; added: number; removed: number }>
    >;
  }>;
  params: Array<{ name: string; status: string; from?: string; to?: string }>;
  model: {
    from: string | null;
    to: string | null;
    modelParams: Array<{ name: string; status: string; from?: string; to?: string }>;
    units: Array<{ unit: string; from: string; to: string }>;
  };
  units: { added: string[]; removed: string[]; regenerate: Array<{ unit: string; reasons: string[] }> };
}

const B_SECTION = "\n## Errors\n\nThrow a RangeError when a() is not 1.\nNever return NaN.\n";

/** The chain package in a git repository (package in a subfolder), tagged 0.1.0 then versioned 0.2.0. */
async function versionedChain(): Promise<{ root: string; dir: string }> {
  const { root, dir } = await makePackage(chainPackage());
  git(root, "init", "-q");
  git(root, "config", "user.name", "SpecPrompt Tests");
  git(root, "config", "user.email", "tests@example.invalid");
  git(root, "config", "commit.gpgsign", "false");
  git(root, "config", "tag.gpgsign", "false");
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "initial");
  git(root, "tag", "e2e-pkg@0.1.0");
  // 0.2.0: a section added to b's prompt, and a param no layer uses.
  appendFileSync(join(dir, "units/b.md"), B_SECTION);
  writeFileSync(
    join(dir, "specprompt.yaml"),
    manifestText(chainPackage({ params: { license: "MIT", year: "2026" } })),
  );
  const version = await runCli(["version", "0.2.0", "-m", "b throws"], { cwd: dir });
  expect(version.code, version.stderr).toBe(0);
  return { root, dir };
}

describe("specprompt diff <a> <b>", () => {
  test("two versions: the section added to a unit prompt, the param, and exactly the units that regenerate", async () => {
    const { root, dir } = await versionedChain();
    const result = await runCli(["diff", "e2e-pkg@0.1.0", "e2e-pkg@0.2.0", "--json"], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const report = parseJsonOutput<SemanticDiffJson>(result);
    expect(report.a).toMatchObject({ spec: "e2e-pkg@0.1.0", name: "e2e-pkg", version: "0.1.0" });
    expect(report.b).toMatchObject({ spec: "e2e-pkg@0.2.0", name: "e2e-pkg", version: "0.2.0" });
    expect(report.a.commit).toBe(git(root, "rev-parse", "e2e-pkg@0.1.0^{commit}").trim());
    expect(report.layers).toEqual([
      {
        kind: "unit",
        path: "units/b.md",
        unit: "b",
        status: "changed",
        lines: { added: 5, removed: 0 },
        sections: { added: [{ title: "Errors", added: 2, removed: 0 }], removed: [], changed: [] },
      },
    ]);
    expect(report.params).toEqual([{ name: "year", status: "added", to: "2026" }]);
    expect(report.model).toEqual({
      from: "openai:gpt-test",
      to: "openai:gpt-test",
      modelParams: [],
      units: [],
    });
    expect(report.units).toEqual({
      added: [],
      removed: [],
      regenerate: [
        { unit: "b", reasons: ["unit prompt changed"] },
        { unit: "c", reasons: ["needs b, which regenerates"] },
      ],
    });

    // The same as text: grouped, no colour when stdout is not a terminal.
    const text = await runCli(["diff", "e2e-pkg@0.1.0", "e2e-pkg@0.2.0"], { cwd: dir });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).not.toMatch(/\x1b\[/);
    expect(text.stdout).toMatch(/^e2e-pkg@0\.1\.0 → e2e-pkg@0\.2\.0$/m);
    expect(text.stdout).toMatch(/changed +unit b: units\/b\.md +\(\+5 -0\)/);
    expect(text.stdout).toMatch(/section added "Errors"/);
    expect(text.stdout).toMatch(/added +param year: 2026/);
    expect(text.stdout).toMatch(/regenerate c: needs b, which regenerates/);
    expect(text.stdout).not.toMatch(/regenerate a/);
  });

  test("a git ref against the working tree; a version of another package is refused", async () => {
    const { dir } = await versionedChain();
    appendFileSync(join(dir, "units/a.md"), "Also export `zero()`, which returns 0.\n");
    const result = await runCli(["diff", "HEAD", ".", "--json"], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const report = parseJsonOutput<SemanticDiffJson>(result);
    expect(report.a).toMatchObject({ spec: "HEAD", version: "0.2.0" });
    expect(report.b).toMatchObject({ spec: ".", version: "0.2.0" });
    expect(report.b.commit).toBeUndefined();
    expect(report.layers.map((layer) => [layer.path, layer.status, layer.sections])).toEqual([
      ["units/a.md", "changed", { added: [], removed: [], changed: [] }],
    ]);
    expect(report.params).toEqual([]);
    expect(report.units.regenerate.map((entry) => entry.unit)).toEqual(["a", "b", "c"]);

    // The first commit is 0.1.0: going back from the working tree undoes both changes.
    const back = parseJsonOutput<SemanticDiffJson>(
      await runCli(["diff", ".", "HEAD~1", "--json"], { cwd: dir }),
    );
    expect(back.params).toEqual([{ name: "year", status: "removed", from: "2026" }]);
    expect(back.layers.find((layer) => layer.path === "units/b.md")?.sections?.removed).toEqual([
      { title: "Errors", added: 0, removed: 2 },
    ]);

    const other = await runCli(["diff", "other@0.1.0", "e2e-pkg@0.2.0"], { cwd: dir });
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/this package is e2e-pkg, not other/);
    const missing = await runCli(["diff", "e2e-pkg@0.9.0", "."], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no version 0\.9\.0 of e2e-pkg/);
  });

  test("folder against folder, outside git: guide via a param, modelParams, a removed unit", async () => {
    const before = await makePackage(chainPackage());
    const after = await makePackage(
      chainPackage({
        params: { license: "ISC" },
        modelParams: { temperature: 0.5 },
        units: { a: chainPackage().units.a!, b: chainPackage().units.b! },
      }),
    );
    const result = await runCli(["diff", before.dir, after.dir, "--json"], { cwd: before.root });
    expect(result.code, result.stderr).toBe(0);
    const report = parseJsonOutput<SemanticDiffJson>(result);
    expect(report.a.commit).toBeUndefined();
    expect(report.layers.map((layer) => [layer.kind, layer.path, layer.status])).toEqual([
      ["guide", "guide.md", "changed"],
      ["unit", "units/c.md", "removed"],
    ]);
    expect(report.params).toEqual([{ name: "license", status: "changed", from: "MIT", to: "ISC" }]);
    expect(report.model.modelParams).toEqual([
      { name: "temperature", status: "changed", from: "0", to: "0.5" },
    ]);
    expect(report.units.removed).toEqual(["c"]);
    expect(report.units.added).toEqual([]);
    expect(report.units.regenerate).toEqual([
      { unit: "a", reasons: ["model parameters changed", "guide changed"] },
      { unit: "b", reasons: ["model parameters changed", "guide changed", "needs a, which regenerates"] },
    ]);
  });

  test("imported libraries compare at each commit; one missing there is left out with a warning", async () => {
    const library = (name: string, guide: string) => ({
      [`libs/${name}/specprompt.yaml`]: `name: ${name}\nversion: 1.0.0\nkind: library\nguide: guide.md\n`,
      [`libs/${name}/guide.md`]: guide,
    });
    const { root, dir } = await makePackage(
      chainPackage({
        manifest: { imports: { style: { path: "../libs/style" }, testing: { path: "../libs/testing" } } },
      }),
    );
    const write = async (files: Record<string, string>) => {
      for (const [path, text] of Object.entries(files)) await writeText(join(root, path), text);
    };
    await write(library("style", "## Modules\n\nOne export per module.\n"));
    git(root, "init", "-q");
    git(root, "add", "-A");
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "one");
    // The testing library is committed only now: at the first commit the import finds nothing.
    await write({
      ...library("style", "## Modules\n\nOne export per module.\n\n## Errors\n\nThrow Error subclasses.\n"),
      ...library("testing", "## Tests\n\nOne test file per module.\n"),
    });
    git(root, "add", "-A");
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "two");

    const text = await runCli(["diff", "HEAD~1", "HEAD"], { cwd: dir });

    expect(text.code, text.stderr).toBe(0);
    expect(text.stderr).toBe(
      "warning: HEAD~1: import testing: ../libs/testing has no specprompt.yaml at that commit; compared without it\n",
    );
    expect(text.stdout).toMatch(/changed +guide: @style\/guide\.md +\(\+4 -0\)\n +section added "Errors"/);
    expect(text.stdout).toMatch(/added +guide: @testing\/guide\.md/);
    expect(text.stdout).toMatch(/added +import testing: testing@1\.0\.0 from \.\.\/libs\/testing/);
    expect(text.stdout).toMatch(/regenerate a: import style changed: guide\.md; import testing added/);

    const json = parseJsonOutput<SemanticDiffJson & { warnings: string[] }>(
      await runCli(["diff", "HEAD~1", "HEAD", "--json"], { cwd: dir }),
    );
    expect(json.warnings).toHaveLength(1);
    expect(json.layers.map((layer) => [layer.kind, layer.path, layer.status])).toEqual([
      ["guide", "@style/guide.md", "changed"],
      ["guide", "@testing/guide.md", "added"],
    ]);
  });

  test("an argument that is an existing path without a manifest keeps the hand-edit meaning", async () => {
    const { dir } = await makePackage(chainPackage());
    const result = await runCli(["diff", ".", "core.md", "--json"], { cwd: dir });
    // The hand-edit diff of `.` narrowed to core.md: it needs a build, which this package never had.
    expect(result.code).toBe(2);
    expect(result.stdout + result.stderr).toMatch(/has never been built/);
    expect(result.stdout).not.toMatch(/"regenerate"/);
  });
});
