import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rejectionOf } from "../../test/support/rejection-of.js";
import { sha256 } from "../util/hash.js";
import { type LoadPackageOptions, loadPackage } from "./load-package.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "specprompt-load-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const manifestHead = "name: demo\nversion: 0.1.0\ncore: core.md\nmodel: openai:gpt-4o-mini\n";

async function writeFiles(files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

function load(options: Partial<LoadPackageOptions> = {}) {
  return loadPackage("pkg", { cwd: root, env: {}, ...options });
}

describe("loadPackage", () => {
  it("renders params into every Markdown layer and hashes the rendered text", async () => {
    await writeFiles({
      "pkg/specprompt.yaml": `${manifestHead}guide: ./guide.md\nparams: { license: MIT, year: 2025 }\nvalidation:\n  criteria: acceptance.md\n`,
      "pkg/core.md": "Licensed {{license}}\r\n",
      "pkg/guide.md": "(c) {{ year }}",
      "pkg/acceptance.md": "Must say \\{{license}}",
    });
    const { pkg } = await load();
    expect(pkg.core).toEqual({
      kind: "core",
      path: "core.md",
      content: "Licensed MIT\n",
      hash: sha256("Licensed MIT\n"),
    });
    expect(pkg.guide).toMatchObject({ path: "guide.md", content: "(c) 2025" });
    expect(pkg.criteria?.content).toBe("Must say {{license}}");
    expect(pkg.params).toEqual({ license: "MIT", year: "2025" });
    expect(pkg.dir).toBe(join(root, "pkg"));
    expect(pkg.outDir).toBe(join(root, "pkg"));
  });

  it("lets --set override a manifest param", async () => {
    await writeFiles({
      "pkg/specprompt.yaml": `${manifestHead}params: { license: MIT }\n`,
      "pkg/core.md": "{{license}} {{extra}}",
    });
    const { pkg } = await load({ set: { license: "ISC", extra: "yes" } });
    expect(pkg.core?.content).toBe("ISC yes");
  });

  it("names the layer file, line and column of an undefined param", async () => {
    await writeFiles({ "pkg/specprompt.yaml": manifestHead, "pkg/core.md": "# Demo\nby {{author}}\n" });
    const error = await rejectionOf(load());
    expect(error.code).toBe("E_PARAM");
    expect(error.location).toEqual({ file: join("pkg", "core.md"), line: 2, column: 4 });
  });

  it("points a missing layer at the manifest line that names it", async () => {
    await writeFiles({ "pkg/specprompt.yaml": `${manifestHead}guide: guide.md\n`, "pkg/core.md": "" });
    const error = await rejectionOf(load());
    expect(error.code).toBe("E_LAYER");
    expect(error.message).toBe("guide: guide.md does not exist");
    expect(error.location).toEqual({ file: join("pkg", "specprompt.yaml"), line: 5, column: 8 });
  });

  it("expands context globs in sorted order, skipping node_modules and other layers", async () => {
    await writeFiles({
      "pkg/specprompt.yaml": `${manifestHead}context: ['**/*.md', 'docs/*.txt']\n`,
      "pkg/core.md": "core",
      "pkg/docs/b.md": "b for {{name}}",
      "pkg/docs/a.md": "a",
      "pkg/api.md": "api",
      "pkg/CHANGELOG.md": "generated",
      "pkg/node_modules/x/readme.md": "no",
    });
    const { pkg, warnings } = await load({ set: { name: "demo" } });
    expect(pkg.context.map((layer) => layer.path)).toEqual(["api.md", "docs/a.md", "docs/b.md"]);
    expect(pkg.context[2]).toMatchObject({ content: "b for demo", hash: sha256("b for demo") });
    expect(warnings).toEqual([
      `${join("pkg", "specprompt.yaml")}:5:22: context: 'docs/*.txt' matches no files`,
    ]);
  });

  it("reads validation tests relative to out without rendering them", async () => {
    await writeFiles({
      "pkg/specprompt.yaml": `${manifestHead}out: app\nvalidation:\n  tests: [test/**]\n  command: node --test\n  timeout: 90s\n`,
      "pkg/core.md": "core",
      "pkg/app/test/a.test.js": "expect(render('{{undefined}}'))",
    });
    const { pkg } = await load();
    expect(pkg.outDir).toBe(join(root, "pkg", "app"));
    expect(pkg.tests).toEqual([
      {
        kind: "test",
        path: "test/a.test.js",
        content: "expect(render('{{undefined}}'))",
        hash: sha256("expect(render('{{undefined}}'))"),
      },
    ]);
    expect(pkg.validation).toEqual({ command: "node --test", timeoutMs: 90_000, maxIterations: 3, env: [] });
    expect(pkg.protectedPaths).toEqual([
      "specprompt.yaml",
      "core.md",
      "app/test/a.test.js",
      "specprompt.lock",
      "CHANGELOG.md",
      ".specprompt",
    ]);
  });

  it("gives a package without units one implicit unit that owns the whole out tree", async () => {
    await writeFiles({
      "pkg/specprompt.yaml": `${manifestHead}modelParams: { temperature: 0 }\n`,
      "pkg/core.md": "",
    });
    const { pkg } = await load();
    expect(pkg.units).toEqual([
      { name: "main", owns: ["**"], needs: [], model: "openai:gpt-4o-mini", modelParams: { temperature: 0 } },
    ]);
    expect(pkg.validation).toEqual({ command: undefined, timeoutMs: 600_000, maxIterations: 3, env: [] });
  });

  it("returns units in dependency order with their rendered prompts and merged model params", async () => {
    await writeFiles({
      "pkg/specprompt.yaml": `${manifestHead}params: { lang: js }\nmodelParams: { temperature: 0, seed: 1 }\nunits:
  cli: { prompt: units/cli.md, owns: [src/cli.js], needs: [stats] }
  stats: { prompt: units/stats.md, owns: src/stats.js, needs: [tokenize], modelParams: { seed: 7 } }
  tokenize: { prompt: units/tokenize.md, owns: [src/tokenize.js] }
  docs: { prompt: units/docs.md, owns: ['docs/**'] }
`,
      "pkg/core.md": "",
      "pkg/units/cli.md": "cli in {{lang}}",
      "pkg/units/stats.md": "stats",
      "pkg/units/tokenize.md": "tokenize",
      "pkg/units/docs.md": "docs",
    });
    const { pkg } = await load();
    expect(pkg.units.map((unit) => unit.name)).toEqual(["tokenize", "stats", "cli", "docs"]);
    const stats = pkg.units.find((unit) => unit.name === "stats");
    expect(stats).toMatchObject({
      owns: ["src/stats.js"],
      needs: ["tokenize"],
      modelParams: { temperature: 0, seed: 7 },
    });
    expect(pkg.units[2]?.prompt).toEqual({
      kind: "unit",
      path: "units/cli.md",
      content: "cli in js",
      hash: sha256("cli in js"),
    });
    expect(pkg.protectedPaths).toContain("units/docs.md");
  });
});

describe("loadPackage model choice", () => {
  const unitsManifest = (manifestModel: string) =>
    `name: demo\nversion: 0.1.0\ncore: core.md\n${manifestModel}units:
  a: { prompt: a.md, owns: [a.js], model: "anthropic:claude-unit" }
  b: { prompt: b.md, owns: [b.js] }
`;
  const modelsOf = async (options: Partial<LoadPackageOptions>) =>
    Object.fromEntries((await load(options)).pkg.units.map((unit) => [unit.name, unit.model]));

  beforeEach(async () => {
    await writeFiles({ "pkg/core.md": "", "pkg/a.md": "", "pkg/b.md": "" });
  });

  it("prefers --model, then the unit's model, then SPECPROMPT_MODEL, then the manifest's", async () => {
    await writeFiles({ "pkg/specprompt.yaml": unitsManifest("model: openai:manifest\n") });
    expect(await modelsOf({})).toEqual({ a: "anthropic:claude-unit", b: "openai:manifest" });
    expect(await modelsOf({ env: { SPECPROMPT_MODEL: "ollama:env" } })).toEqual({
      a: "anthropic:claude-unit",
      b: "ollama:env",
    });
    expect(await modelsOf({ model: "openai:flag", env: { SPECPROMPT_MODEL: "ollama:env" } })).toEqual({
      a: "openai:flag",
      b: "openai:flag",
    });
  });

  it("says where to set a model when no unit has one", async () => {
    await writeFiles({ "pkg/specprompt.yaml": unitsManifest("") });
    const error = await rejectionOf(load());
    expect(error.code).toBe("E_MANIFEST");
    expect(error.message).toBe("no model for unit 'b'");
    expect(error.hint).toBe("set model: in specprompt.yaml, SPECPROMPT_MODEL, or pass --model");
  });

  it("rejects a --model that is not provider:model", async () => {
    await writeFiles({ "pkg/specprompt.yaml": unitsManifest("") });
    expect((await rejectionOf(load({ model: "gpt-4o" }))).code).toBe("E_USAGE");
  });
});
