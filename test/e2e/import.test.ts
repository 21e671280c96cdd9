import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { createTempRoot, removeTempRoots } from "../support/make-package.js";
import { type CliResult, parseJsonOutput, runCli } from "../support/run-cli.js";
import { KIRO_TREE, OPENSPEC_TREE, SPEC_KIT_TREE, writeTree } from "../support/spec-trees.js";

afterAll(removeTempRoots);

interface ImportJson {
  layout: string;
  manifest: string;
  mapped: { layer: string; paths: string[]; files: string[] }[];
}

interface PlanJson {
  package: { name: string; version: string };
  units: { unit: string; action: string }[];
  warnings: string[];
}

async function projectWith(tree: Record<string, string>): Promise<string> {
  const dir = join(await createTempRoot(), "my-project");
  await writeTree(dir, tree);
  return dir;
}

function ok(result: CliResult): CliResult {
  expect(result.code, result.stderr).toBe(0);
  return result;
}

const LAYOUTS = [
  {
    layout: "speckit",
    tree: SPEC_KIT_TREE,
    args: [],
    core: "specs/001-photo-albums/spec.md",
    guide: "specs/001-photo-albums/plan.md",
    context: ".specify/memory/constitution.md",
  },
  {
    layout: "openspec",
    tree: OPENSPEC_TREE,
    args: ["--feature", "auth"],
    core: "openspec/specs/auth/spec.md",
    guide: "openspec/project.md",
    context: "openspec/specs/tasks/spec.md",
  },
  {
    layout: "kiro",
    tree: KIRO_TREE,
    args: [],
    core: ".kiro/specs/recipe-scaling/requirements.md",
    guide: ".kiro/specs/recipe-scaling/design.md",
    context: ".kiro/steering/product.md",
  },
];

describe("specprompt import", () => {
  test.each(LAYOUTS)(
    "$layout: the imported package plans and prompts with the mapped layers",
    async (layout) => {
      const dir = await projectWith(layout.tree);

      const imported = ok(await runCli(["import", ".", ...layout.args, "--json"], { cwd: dir }));

      const report = parseJsonOutput<ImportJson>(imported);
      expect(report.layout).toBe(layout.layout);
      expect(report.manifest).toBe("specprompt.yaml");
      const byLayer = Object.fromEntries(report.mapped.map((entry) => [entry.layer, entry.files]));
      expect(byLayer.core).toEqual([layout.core]);
      expect(byLayer.guide).toEqual([layout.guide]);
      expect(byLayer.context).toContain(layout.context);
      expect(readFileSync(join(dir, "specprompt.yaml"), "utf8")).not.toMatch(/^model:/m);

      const plan = parseJsonOutput<PlanJson>(
        ok(await runCli(["plan", ".", "--json", "--model", "openai:x"], { cwd: dir })),
      );
      expect(plan.package).toEqual({ name: "my-project", version: "0.1.0" });
      expect(plan.units.map((unit) => unit.action)).toEqual(["generate"]);
      expect(plan.warnings).toEqual([]);

      const prompt = ok(await runCli(["prompt", ".", "--model", "openai:x"], { cwd: dir }));
      for (const path of [layout.core, layout.guide, layout.context]) expect(prompt.stdout).toContain(path);
      expect(prompt.stdout).toContain(layout.tree[layout.core]!.split("\n")[0]);
    },
  );

  test("text output names each layer and the units decision; without a model it says how to set one", async () => {
    const dir = await projectWith(KIRO_TREE);

    const result = ok(await runCli(["import", dir], { cwd: join(dir, "..") }));

    expect(result.stdout).toMatch(/^imported Kiro recipe-scaling into my-project\/specprompt\.yaml/);
    expect(result.stdout).toMatch(/ {2}core {6}\.kiro\/specs\/recipe-scaling\/requirements\.md\n/);
    expect(result.stdout).toMatch(/note: no units: one unit owns out; .*tasks\.md is context/);
    expect(result.stdout).toMatch(/add model: <provider:model>/);
  });

  test("a second import refuses to overwrite the manifest without --force", async () => {
    const dir = await projectWith(SPEC_KIT_TREE);
    ok(await runCli(["import", ".", "--model", "openai:gpt-4o-mini"], { cwd: dir }));
    const first = readFileSync(join(dir, "specprompt.yaml"), "utf8");

    const again = await runCli(["import", "."], { cwd: dir });

    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
    expect(again.stderr).toMatch(/--force/);
    expect(readFileSync(join(dir, "specprompt.yaml"), "utf8")).toBe(first);
    expect(first).toMatch(/^model: openai:gpt-4o-mini$/m);

    ok(await runCli(["import", ".", "--force"], { cwd: dir }));
    expect(readFileSync(join(dir, "specprompt.yaml"), "utf8")).not.toMatch(/^model:/m);
  });

  test("a folder of no known layout exits 2 naming the layouts looked for", async () => {
    const dir = await projectWith({ "README.md": "# hello\n", "docs/spec.md": "# spec\n" });

    const result = await runCli(["import", "."], { cwd: dir });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no Spec Kit, OpenSpec or Kiro specs found/);
    expect(result.stderr).toMatch(/\.kiro\/specs\/<spec>\/requirements\.md/);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(existsSync(join(dir, "specprompt.yaml"))).toBe(false);
  });
});
