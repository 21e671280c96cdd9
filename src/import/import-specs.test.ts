import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { KIRO_TREE, OPENSPEC_TREE, SPEC_KIT_TREE, writeTree } from "../../test/support/spec-trees.js";
import { SpecPromptError } from "../errors.js";
import { loadPackage } from "../package/load-package.js";
import { importSpecs, sanitizeName } from "./import-specs.js";
import { detectSource, escapeGlob } from "./layouts.js";

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

/** A project folder named `name` holding `tree`. */
async function project(tree: Record<string, string>, name = "Photo_App"): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "specprompt-import-"));
  roots.push(root);
  const dir = join(root, name);
  await mkdir(dir);
  await writeTree(dir, tree);
  return dir;
}

function layersOf(result: Awaited<ReturnType<typeof importSpecs>>) {
  return Object.fromEntries(result.mapped.map((layer) => [layer.layer, layer.files]));
}

async function rejection(promise: Promise<unknown>): Promise<SpecPromptError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SpecPromptError);
  return error as SpecPromptError;
}

describe("importSpecs: Spec Kit", () => {
  test("maps spec, plan and the rest of the feature onto core, guide and context; the manifest loads", async () => {
    const dir = await project(SPEC_KIT_TREE);

    const result = await importSpecs({ dir, cwd: dir });

    expect(result.layout).toBe("speckit");
    expect(result.feature).toBe("001-photo-albums");
    expect(result.name).toBe("photo-app");
    expect(layersOf(result)).toEqual({
      core: ["specs/001-photo-albums/spec.md"],
      guide: ["specs/001-photo-albums/plan.md"],
      context: [
        ".specify/memory/constitution.md",
        "specs/001-photo-albums/contracts/albums.yaml",
        "specs/001-photo-albums/data-model.md",
        "specs/001-photo-albums/quickstart.md",
        "specs/001-photo-albums/research.md",
        "specs/001-photo-albums/tasks.md",
      ],
    });
    expect(result.notes[0]).toMatch(
      /^no units: one unit owns out; specs\/001-photo-albums\/tasks\.md is context/,
    );

    const { pkg, warnings } = await loadPackage(dir, { cwd: dir, env: {}, model: "openai:x" });
    expect(pkg.manifest.units).toBeUndefined();
    expect(pkg.manifest.model).toBeUndefined();
    expect(pkg.core?.content).toContain("Feature Specification: Photo Albums");
    expect(pkg.guide?.path).toBe("specs/001-photo-albums/plan.md");
    expect(pkg.context.map((layer) => layer.path)).toEqual(layersOf(result).context);
    expect(warnings).toEqual([]);
  });

  test("an older project's memory/constitution.md is context; a feature folder can be given directly", async () => {
    const tree = { ...SPEC_KIT_TREE };
    tree["memory/constitution.md"] = tree[".specify/memory/constitution.md"]!;
    delete tree[".specify/memory/constitution.md"];
    const dir = await project(tree);

    const result = await importSpecs({ dir: "specs/001-photo-albums", cwd: dir });

    expect(result.root).toBe(dir);
    expect(result.manifest).toBe(join(dir, "specprompt.yaml"));
    expect(layersOf(result).context).toContain("memory/constitution.md");
  });

  test("several features need --feature; the chosen one is mapped, the others are not", async () => {
    const dir = await project({
      ...SPEC_KIT_TREE,
      "specs/002-sharing/spec.md": "# Feature Specification: Sharing\n",
    });

    const error = await rejection(importSpecs({ dir, cwd: dir }));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/2 Spec Kit features: 001-photo-albums, 002-sharing/);
    expect(existsSync(join(dir, "specprompt.yaml"))).toBe(false);

    const result = await importSpecs({ dir, cwd: dir, feature: "002-sharing" });
    expect(layersOf(result)).toEqual({
      core: ["specs/002-sharing/spec.md"],
      context: [".specify/memory/constitution.md"],
    });
  });
});

describe("importSpecs: OpenSpec", () => {
  test("one capability is core, project.md the guide, the other capabilities context; changes and AGENTS.md stay out", async () => {
    const dir = await project(OPENSPEC_TREE, "tracker");

    const result = await importSpecs({ dir, cwd: dir, feature: "auth", model: "anthropic:claude-x" });

    expect(result.layout).toBe("openspec");
    expect(layersOf(result)).toEqual({
      core: ["openspec/specs/auth/spec.md"],
      guide: ["openspec/project.md"],
      context: ["openspec/specs/tasks/spec.md"],
    });
    const { pkg, warnings } = await loadPackage(dir, { cwd: dir, env: {} });
    expect(pkg.manifest.model).toBe("anthropic:claude-x");
    expect(pkg.context.map((layer) => layer.path)).toEqual(["openspec/specs/tasks/spec.md"]);
    expect(warnings).toEqual([]);
  });

  test("without project.md the capability's design.md is the guide", async () => {
    const { "openspec/project.md": _, ...tree } = OPENSPEC_TREE;
    const dir = await project({ ...tree, "openspec/specs/auth/design.md": "# Design\n\nbcrypt.\n" });

    const result = await importSpecs({ dir, cwd: dir, feature: "auth" });

    expect(layersOf(result).guide).toEqual(["openspec/specs/auth/design.md"]);
    expect(layersOf(result).context).toEqual(["openspec/specs/tasks/spec.md"]);
  });

  test("an OpenSpec folder given as a capability is not mistaken for Spec Kit's specs/<feature>", async () => {
    const dir = await project(OPENSPEC_TREE, "tracker");

    const source = detectSource({ dir: join(dir, "openspec/specs/tasks") });

    expect(source.layout.id).toBe("openspec");
    expect(source.root).toBe(dir);
    expect(source.feature).toBe("tasks");
  });

  test("an openspec/ with only changes in it says there is no capability yet", async () => {
    const dir = await project({ "openspec/changes/x/proposal.md": "## Why\n" });

    const error = await rejection(importSpecs({ dir, cwd: dir }));

    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/OpenSpec project without any capability yet/);
  });
});

describe("importSpecs: Kiro", () => {
  test("requirements is core, design the guide, steering and tasks context", async () => {
    const dir = await project(KIRO_TREE, "recipes");

    const result = await importSpecs({ dir, cwd: dir, out: "app" });

    expect(result.layout).toBe("kiro");
    expect(layersOf(result)).toEqual({
      core: [".kiro/specs/recipe-scaling/requirements.md"],
      guide: [".kiro/specs/recipe-scaling/design.md"],
      context: [
        ".kiro/specs/recipe-scaling/tasks.md",
        ".kiro/steering/product.md",
        ".kiro/steering/structure.md",
        ".kiro/steering/tech.md",
      ],
    });
    const { pkg, warnings } = await loadPackage(dir, { cwd: dir, env: {}, model: "openai:x" });
    expect(pkg.manifest.out).toBe("app");
    expect(warnings).toEqual([]);
  });

  test("without design.md the tech steering file is the guide and not repeated in context", async () => {
    const { ".kiro/specs/recipe-scaling/design.md": _, ...tree } = KIRO_TREE;
    const dir = await project(tree, "recipes");

    const result = await importSpecs({ dir, cwd: dir });

    expect(layersOf(result).guide).toEqual([".kiro/steering/tech.md"]);
    expect(layersOf(result).context).not.toContain(".kiro/steering/tech.md");
  });
});

describe("importSpecs: refusals and names", () => {
  test("an existing manifest is kept unless force is given", async () => {
    const dir = await project(KIRO_TREE, "recipes");
    await writeFile(join(dir, "specprompt.yaml"), "name: mine\n");

    const error = await rejection(importSpecs({ dir, cwd: dir }));
    expect(error.message).toMatch(/already exists/);
    expect(readFileSync(join(dir, "specprompt.yaml"), "utf8")).toBe("name: mine\n");

    await importSpecs({ dir, cwd: dir, force: true });
    expect(readFileSync(join(dir, "specprompt.yaml"), "utf8")).toMatch(/^# Imported from Kiro/);
  });

  test("a folder of no known layout names the layouts looked for", async () => {
    const dir = await project({ "docs/spec.md": "# Spec\n" });

    const error = await rejection(importSpecs({ dir, cwd: dir }));

    expect(error.exitCode).toBe(2);
    expect(error.hint).toMatch(/Spec Kit: specs\/<feature>\/spec\.md; OpenSpec: .*; Kiro: \.kiro\/specs/);
  });

  test("two layouts in one folder need --layout", async () => {
    const dir = await project({ ...KIRO_TREE, ...OPENSPEC_TREE });

    const error = await rejection(importSpecs({ dir, cwd: dir }));
    expect(error.message).toMatch(/OpenSpec and Kiro/);

    const result = await importSpecs({ dir, cwd: dir, layout: "kiro" });
    expect(result.layout).toBe("kiro");
  });

  test("a bad --out, --model or name is refused before anything is written", async () => {
    const dir = await project(KIRO_TREE, "recipes");
    for (const options of [{ out: "../elsewhere" }, { model: "gpt-4o" }, { name: "Not Valid" }]) {
      await rejection(importSpecs({ dir, cwd: dir, ...options }));
    }
    expect(existsSync(join(dir, "specprompt.yaml"))).toBe(false);
  });

  test("{{name}} in a mapped file is a warning, since layers render params", async () => {
    const dir = await project({
      ...KIRO_TREE,
      ".kiro/steering/tech.md": "# Tech\n\nGreet with {{user_name}}.\n",
    });

    const result = await importSpecs({ dir, cwd: dir });

    expect(result.warnings).toEqual([
      expect.stringMatching(/^\.kiro\/steering\/tech\.md uses \{\{user_name\}\}/),
    ]);
  });

  test("folder names become package names; glob characters in a folder name are taken literally", async () => {
    expect(sanitizeName("My Specs_2")).toBe("my-specs-2");
    expect(sanitizeName("--Photo--App--")).toBe("photo-app");
    expect(escapeGlob("specs/001-a[b]")).toBe("specs/001-a\\[b\\]");

    const dir = await project({
      "specs/001-a[b]/spec.md": "# Spec\n",
      "specs/001-a[b]/data-model.md": "# Data\n",
      "specs/001-ab/data-model.md": "# Not this one\n",
    });
    const result = await importSpecs({ dir, cwd: dir });
    expect(layersOf(result).context).toEqual(["specs/001-a[b]/data-model.md"]);
    const { pkg, warnings } = await loadPackage(dir, { cwd: dir, env: {}, model: "openai:x" });
    expect(pkg.context.map((layer) => layer.path)).toEqual(["specs/001-a[b]/data-model.md"]);
    expect(warnings).toEqual([]);
  });
});
