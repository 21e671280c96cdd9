import { describe, expect, it } from "vitest";
import { rejectionOf } from "../../../test/support/rejection-of.js";
import { useTempFolder } from "../../../test/support/temp-folder.js";
import { sha256 } from "../../util/hash.js";
import { loadPackage } from "../load-package.js";

const folder = useTempFolder("specprompt-imports-");
const writeFiles = (files: Record<string, string>) => folder.write(files);

const app = (imports: string, extra = "") =>
  `name: app\nversion: 0.1.0\ncore: core.md\nmodel: openai:gpt-4o-mini\n${extra}imports:\n${imports}`;

/** A kind: library package at libs/<name> with a guide, one context document and criteria. */
function library(name: string, imports = "", guide = `## Rules of ${name}\n\nUse {{style}}.\n`) {
  return {
    [`libs/${name}/specprompt.yaml`]: `name: ${name}\nversion: 1.0.0\nkind: library\nguide: guide.md\ncontext: [context/*.md]\nparams: { style: tabs }\nvalidation: { criteria: criteria.md }\n${imports}`,
    [`libs/${name}/guide.md`]: guide,
    [`libs/${name}/context/${name}-notes.md`]: `Notes of ${name}.\n`,
    [`libs/${name}/criteria.md`]: `- ${name.toUpperCase()}-1: it holds.\n`,
  };
}

function load() {
  return loadPackage("app", { cwd: folder.root, env: {} });
}

describe("imports by relative path", () => {
  it("imports nothing for imports: {}, so the package hashes like one without imports", async () => {
    await writeFiles({
      "app/specprompt.yaml":
        "name: app\nversion: 0.1.0\ncore: core.md\nmodel: openai:gpt-4o-mini\nimports: {}\n",
      "app/core.md": "Build it.\n",
    });
    expect((await load()).pkg.imports).toBeUndefined();
  });

  it("takes a library's guide, context and criteria under @alias/ paths, rendered with the importer's params over its own", async () => {
    await writeFiles({
      "app/specprompt.yaml": app("  style: { path: ../libs/ts-style }\n", "params: { style: spaces }\n"),
      "app/core.md": "Build it.\n",
      ...library("ts-style"),
    });
    const { pkg } = await load();
    const imports = pkg.imports!;
    expect(imports.guide).toEqual([
      {
        kind: "guide",
        path: "@style/guide.md",
        content: "## Rules of ts-style\n\nUse spaces.\n",
        hash: sha256("## Rules of ts-style\n\nUse spaces.\n"),
      },
    ]);
    expect(imports.context.map((layer) => layer.path)).toEqual(["@style/context/ts-style-notes.md"]);
    expect(imports.criteria.map((layer) => layer.content)).toEqual(["- TS-STYLE-1: it holds.\n"]);
    expect(Object.keys(imports.hashes)).toEqual(["style"]);
    expect(imports.all[0]).toMatchObject({ alias: "style", source: "../libs/ts-style", name: "ts-style" });
    expect(imports.all[0]!.files).toEqual({
      "guide.md": sha256("## Rules of ts-style\n\nUse spaces.\n"),
      "context/ts-style-notes.md": sha256("Notes of ts-style.\n"),
      "criteria.md": sha256("- TS-STYLE-1: it holds.\n"),
    });
    // The package's own layers are untouched.
    expect(pkg.guide).toBeUndefined();
    expect(pkg.context).toEqual([]);
  });

  it("takes only the layers use: names", async () => {
    await writeFiles({
      "app/specprompt.yaml": app("  style: { path: ../libs/ts-style, use: [criteria] }\n"),
      "app/core.md": "Build it.\n",
      ...library("ts-style"),
    });
    const { pkg } = await load();
    expect(pkg.imports?.guide).toEqual([]);
    expect(pkg.imports?.context).toEqual([]);
    expect(pkg.imports?.criteria.map((layer) => layer.path)).toEqual(["@style/criteria.md"]);
  });

  it("takes only the guide sections named, each with its subsections, in the guide's order", async () => {
    const guide =
      "# Style\n\nIntro.\n\n## Naming\n\nCamel case.\n\n### Files\n\nKebab case.\n\n## Errors\n\nThrow {{missing}}.\n\n## Tests\n\nOne per module.\n";
    await writeFiles({
      "app/specprompt.yaml": app("  style:\n    path: ../libs/ts-style\n    sections: [Tests, Naming]\n"),
      "app/core.md": "Build it.\n",
      ...library("ts-style", "", guide),
    });
    const { pkg } = await load();
    // The Errors section uses a param nobody set: left out, it is never rendered.
    expect(pkg.imports?.guide[0]?.content).toBe(
      "## Naming\n\nCamel case.\n\n### Files\n\nKebab case.\n\n## Tests\n\nOne per module.\n",
    );
  });

  it("reports an undefined param in a chosen section at its line in the library's guide", async () => {
    const guide = "# Style\n\nIntro.\n\n## Naming\n\nCamel case.\n\n## Errors\n\nThrow {{missing}}.\n";
    await writeFiles({
      "app/specprompt.yaml": app("  style:\n    path: ../libs/ts-style\n    sections: [Errors]\n"),
      "app/core.md": "Build it.\n",
      ...library("ts-style", "", guide),
    });
    const error = await rejectionOf(load());
    expect(error.code).toBe("E_PARAM");
    expect(error.location).toEqual({ file: "libs/ts-style/guide.md", line: 11, column: 7 });
  });

  it("refuses a section the guide does not have, at its line, with the closest title", async () => {
    await writeFiles({
      "app/specprompt.yaml": app("  style:\n    path: ../libs/ts-style\n    sections:\n      - Namig\n"),
      "app/core.md": "Build it.\n",
      ...library("ts-style", "", "## Naming\n\nx\n"),
    });
    const error = await rejectionOf(load());
    expect(error.code).toBe("E_IMPORT");
    expect(error.message).toBe("import style: guide.md has no section 'Namig'; did you mean 'Naming'?");
    expect(error.location).toEqual({ file: "app/specprompt.yaml", line: 9, column: 9 });
    expect(error.hint).toContain("Naming");
  });

  it("resolves a library's own imports, naming their layers @alias/@nested/", async () => {
    await writeFiles({
      "app/specprompt.yaml": app("  style: { path: ../libs/ts-style, use: [guide, context] }\n"),
      "app/core.md": "Build it.\n",
      ...library("ts-style", "imports:\n  base: { path: ../base }\n"),
      ...library("base"),
    });
    const { pkg } = await load();
    const imports = pkg.imports!;
    expect(imports.all.map((imported) => imported.alias)).toEqual(["style", "style/base"]);
    expect(imports.guide.map((layer) => layer.path)).toEqual(["@style/guide.md", "@style/@base/guide.md"]);
    // use: of the importer narrows what the nested library gives too.
    expect(imports.criteria).toEqual([]);
    expect(Object.keys(imports.hashes)).toEqual(["style"]);
  });

  it("changes the importer's hash when a nested library's file changes", async () => {
    await writeFiles({
      "app/specprompt.yaml": app("  style: { path: ../libs/ts-style }\n"),
      "app/core.md": "Build it.\n",
      ...library("ts-style", "imports:\n  base: { path: ../base }\n"),
      ...library("base"),
    });
    const before = (await load()).pkg.imports!.hashes.style;
    await writeFiles({ "libs/base/context/base-notes.md": "Other notes.\n" });
    const after = (await load()).pkg.imports!.hashes.style;
    expect(after).not.toBe(before);
  });

  it("gives a library two importers share once", async () => {
    await writeFiles({
      "app/specprompt.yaml": app("  a: { path: ../libs/a }\n  b: { path: ../libs/b }\n"),
      "app/core.md": "Build it.\n",
      ...library("a", "imports:\n  base: { path: ../base }\n"),
      ...library("b", "imports:\n  base: { path: ../base }\n"),
      ...library("base"),
    });
    const { pkg } = await load();
    expect(pkg.imports?.guide.map((layer) => layer.path)).toEqual([
      "@a/guide.md",
      "@a/@base/guide.md",
      "@b/guide.md",
    ]);
    expect(pkg.imports?.all.map((imported) => imported.alias)).toEqual(["a", "a/base", "b", "b/base"]);
  });

  it("refuses a cycle, naming the chain at the import that closes it", async () => {
    await writeFiles({
      "app/specprompt.yaml": app("  a: { path: ../libs/a }\n"),
      "app/core.md": "Build it.\n",
      ...library("a", "imports:\n  b: { path: ../b }\n"),
      ...library("b", "imports:\n  back: { path: ../a }\n"),
    });
    const error = await rejectionOf(load());
    expect(error.code).toBe("E_IMPORT");
    expect(error.message).toBe("imports form a cycle: a → b → a");
    expect(error.location).toEqual({ file: "libs/b/specprompt.yaml", line: 9, column: 9 });
  });

  it("refuses a library that imports the package itself", async () => {
    await writeFiles({
      "app/specprompt.yaml": app("  a: { path: ../libs/a }\n"),
      "app/core.md": "Build it.\n",
      ...library("a", "imports:\n  app: { path: ../../app }\n"),
    });
    const error = await rejectionOf(load());
    expect(error.message).toBe("imports form a cycle: app → a → app");
  });

  it("accepts libraries nested 8 deep and refuses a 9th, naming the chain", async () => {
    const chain = (depth: number) => {
      const files: Record<string, string> = {};
      for (let i = 1; i <= depth; i++) {
        const next = i < depth ? `imports:\n  l${i + 1}: { path: ../l${i + 1} }\n` : "";
        Object.assign(files, library(`l${i}`, next));
      }
      return files;
    };
    await writeFiles({
      "app/specprompt.yaml": app("  l1: { path: ../libs/l1 }\n"),
      "app/core.md": "Build it.\n",
      ...chain(8),
    });
    expect((await load()).pkg.imports?.all).toHaveLength(8);
    await writeFiles(chain(9));
    const error = await rejectionOf(load());
    expect(error.message).toBe(
      "imports nest deeper than 8: app → l1 → l2 → l3 → l4 → l5 → l6 → l7 → l8 → l9",
    );
    expect(error.location?.file).toBe("libs/l8/specprompt.yaml");
  });

  it("says which import names a folder that does not exist, at its line", async () => {
    await writeFiles({
      "app/specprompt.yaml": app("  style: { path: ../libs/nowhere }\n"),
      "app/core.md": "Build it.\n",
    });
    const error = await rejectionOf(load());
    expect(error.code).toBe("E_IMPORT");
    expect(error.message).toBe("import style: libs/nowhere does not exist");
    expect(error.location).toEqual({ file: "app/specprompt.yaml", line: 6, column: 10 });
  });

  it("reports a library's broken manifest at the library's file and line", async () => {
    await writeFiles({
      "app/specprompt.yaml": app("  style: { path: ../libs/bad }\n"),
      "app/core.md": "Build it.\n",
      "libs/bad/specprompt.yaml": "name: bad\nversion: 1.0.0\nkind: library\nguide: 42\n",
    });
    const error = await rejectionOf(load());
    expect(error.code).toBe("E_MANIFEST");
    expect(error.message).toBe("import style: guide: expected string, got number 42");
    expect(error.location).toEqual({ file: "libs/bad/specprompt.yaml", line: 4, column: 8 });
  });

  it("refuses to load a kind: library package as something to build", async () => {
    await writeFiles(library("ts-style"));
    const error = await rejectionOf(loadPackage("libs/ts-style", { cwd: folder.root, env: {} }));
    expect(error.message).toBe(
      "ts-style is a kind: library package: other packages import it, it is not built on its own",
    );
    expect(error.location).toEqual({ file: "libs/ts-style/specprompt.yaml", line: 3, column: 7 });
  });

  it("keeps a library inside the package folder out of its context and out of the model's reach", async () => {
    await writeFiles({
      "app/specprompt.yaml": app("  style: { path: libs/style }\n", "context: ['**/*.md']\n"),
      "app/core.md": "Build it.\n",
      "app/notes.md": "Mine.\n",
      "app/libs/style/specprompt.yaml": "name: style\nversion: 1.0.0\nkind: library\nguide: guide.md\n",
      "app/libs/style/guide.md": "Tabs.\n",
    });
    const { pkg } = await load();
    expect(pkg.context.map((layer) => layer.path)).toEqual(["notes.md"]);
    expect(pkg.protectedPaths).toEqual(
      expect.arrayContaining(["libs/style/guide.md", "libs/style/specprompt.yaml"]),
    );
  });

  it("leaves everything as it was for a package without imports", async () => {
    await writeFiles({
      "app/specprompt.yaml": "name: app\nversion: 0.1.0\ncore: core.md\nmodel: openai:gpt-4o-mini\n",
      "app/core.md": "Build it.\n",
    });
    const { pkg } = await load();
    expect(pkg.imports).toBeUndefined();
    expect("imports" in pkg).toBe(false);
  });
});
