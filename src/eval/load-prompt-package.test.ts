import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rejectionOf } from "../../test/support/rejection-of.js";
import { EXIT_BAD_INPUT } from "../errors.js";
import { type LoadPromptPackageOptions, loadPromptPackage, readPackageKind } from "./load-prompt-package.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "specprompt-prompt-pkg-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function writeFiles(files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

function load(options: Partial<LoadPromptPackageOptions> = {}) {
  return loadPromptPackage("pkg", { cwd: root, env: {}, ...options });
}

const head = "name: support-bot\nversion: 1.2.0\nkind: prompt\ntemplate: prompt.md\n";

describe("loadPromptPackage", () => {
  it("reads the manifest, compiles the template with params as default vars, and lists case files", async () => {
    await writeFiles({
      "pkg/specprompt.yaml": `${head}model: openai:gpt-4o-mini\nmodelParams: { temperature: 0 }\nparams: { tone: calm, year: 2025 }\nevals: [evals/**/*.yaml, evals/*.jsonl]\nthreshold: 0.9\n`,
      "pkg/prompt.md": "[system]\nBe {{tone}} ({{year}}).\n[user]\n{{question}}\n",
      "pkg/evals/b.yaml": "[]\n",
      "pkg/evals/a.jsonl": "",
      "pkg/evals/sub/c.yaml": "[]\n",
    });
    const pkg = await load({ set: { tone: "brisk" } });
    expect(pkg).toMatchObject({
      dir: join(root, "pkg"),
      name: "support-bot",
      version: "1.2.0",
      model: "openai:gpt-4o-mini",
      modelParams: { temperature: 0 },
      graderModel: "openai:gpt-4o-mini",
      caseFiles: ["evals/a.jsonl", "evals/b.yaml", "evals/sub/c.yaml"],
      threshold: 0.9,
      params: { tone: "brisk", year: "2025" },
      warnings: [],
    });
    expect(pkg.template.path).toBe("prompt.md");
    expect(pkg.template.variables).toEqual(["question", "tone", "year"]);
    expect(pkg.template.render({ question: "Hi?" })).toEqual([
      { role: "system", content: "Be brisk (2025)." },
      { role: "user", content: "Hi?" },
    ]);
  });

  it("takes the grader from the manifest", async () => {
    await writeFiles({
      "pkg/specprompt.yaml": `${head}model: openai:gpt-4o-mini\ngrader: anthropic:claude-haiku-4-5\n`,
      "pkg/prompt.md": "hi",
    });
    expect((await load()).graderModel).toBe("anthropic:claude-haiku-4-5");
  });

  it("takes the model from the manifest, then SPECPROMPT_MODEL, then --model, like a code package", async () => {
    await writeFiles({ "pkg/specprompt.yaml": `${head}model: openai:a\n`, "pkg/prompt.md": "hi" });
    const env = { SPECPROMPT_MODEL: "openai:b" };
    expect((await load()).model).toBe("openai:a");
    expect((await load({ env })).model).toBe("openai:b");
    expect((await load({ env, model: "ollama:c" })).model).toBe("ollama:c");
    const bad = await rejectionOf(load({ model: "gpt-4o" }));
    expect(bad.code).toBe("E_USAGE");
  });

  it("refuses a package with no model anywhere, saying where to set one", async () => {
    await writeFiles({ "pkg/specprompt.yaml": head, "pkg/prompt.md": "hi" });
    const error = await rejectionOf(load());
    expect(error.code).toBe("E_MANIFEST");
    expect(error.exitCode).toBe(EXIT_BAD_INPUT);
    expect(error.message).toBe("no model for the package");
    expect(error.hint).toContain("SPECPROMPT_MODEL");
  });

  it("refuses a kind: code package, pointing at its kind line", async () => {
    await writeFiles({
      "pkg/specprompt.yaml": "name: lib\nversion: 0.1.0\nkind: code\ncore: core.md\nmodel: openai:x\n",
      "pkg/core.md": "core",
    });
    const error = await rejectionOf(load());
    expect(error.code).toBe("E_MANIFEST");
    expect(error.exitCode).toBe(EXIT_BAD_INPUT);
    expect(error.message).toBe("lib is a kind: code package, not a runtime prompt");
    expect(error.location).toEqual({ file: join("pkg", "specprompt.yaml"), line: 3, column: 7 });
    expect(await readPackageKind("pkg", root)).toBe("code");
  });

  it("names the manifest line of a template that does not exist", async () => {
    await writeFiles({ "pkg/specprompt.yaml": `${head}model: openai:x\n` });
    const error = await rejectionOf(load());
    expect(error.code).toBe("E_LAYER");
    expect(error.message).toBe("template: prompt.md does not exist");
    expect(error.location).toEqual({ file: join("pkg", "specprompt.yaml"), line: 4, column: 11 });
  });

  it("warns at the manifest line of an evals glob that matches no files", async () => {
    await writeFiles({
      "pkg/specprompt.yaml": `${head}model: openai:x\nevals:\n  - evals/*.yaml\n  - cases/*.csv\n`,
      "pkg/prompt.md": "hi",
      "pkg/evals/a.yaml": "[]",
    });
    const pkg = await load();
    expect(pkg.caseFiles).toEqual(["evals/a.yaml"]);
    expect(pkg.warnings).toEqual([
      `${join("pkg", "specprompt.yaml")}:8:5: evals: 'cases/*.csv' matches no files`,
    ]);
  });

  it("names template errors by their path from the working folder", async () => {
    await writeFiles({ "pkg/specprompt.yaml": `${head}model: openai:x\n`, "pkg/prompt.md": "{{> ../x.md}}" });
    const error = await rejectionOf(load());
    expect(error.code).toBe("E_TEMPLATE");
    expect(error.location?.file).toBe(join("pkg", "prompt.md"));
  });
});
