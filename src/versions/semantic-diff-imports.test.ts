import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { rejectionOf } from "../../test/support/rejection-of.js";
import { useTempFolder } from "../../test/support/temp-folder.js";
import { IMPORTS_DIR, vendorKey } from "../package/imports/vendor-git.js";
import type { SideSpec } from "./diff-sides.js";
import { formatSemanticDiff } from "./format-semantic-diff.js";
import { semanticDiff } from "./semantic-diff.js";

const folder = useTempFolder("specprompt-diff-imports-");

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

function commitAll(cwd: string, message: string): void {
  git(cwd, "add", "-A");
  git(cwd, "commit", "-q", "-m", message);
}

/** A package without a model, two units (b needs a), importing what `imports` says. */
function app(imports: string[]): Record<string, string> {
  return {
    "specprompt.yaml": [
      "name: app",
      "version: 1.0.0",
      "core: core.md",
      "units:",
      "  a: { prompt: units/a.md, owns: [a.js] }",
      "  b: { prompt: units/b.md, owns: [b.js], needs: [a] }",
      "imports:",
      ...imports.map((line) => `  ${line}`),
      "",
    ].join("\n"),
    "core.md": "# app\n",
    "units/a.md": "A.\n",
    "units/b.md": "B.\n",
  };
}

function library(name: string, version: string, extra: string[] = []): string {
  return [`name: ${name}`, `version: ${version}`, "kind: library", "guide: guide.md", ...extra, ""].join(
    "\n",
  );
}

const STYLE_GUIDE = "## Modules\n\nOne export per module.\n";

const ref = (spec: string): SideSpec => ({ kind: "ref", spec, ref: spec });
const at = (dir: string): SideSpec => ({ kind: "folder", spec: dir, dir });

describe("semanticDiff with imported libraries", () => {
  test("imported layers compare by section like the package's own, and regenerate reasons name the library's files", async () => {
    const before = join(folder.root, "before");
    const after = join(folder.root, "after");
    const styleFiles = {
      "libs/style/specprompt.yaml": library("ts-style", "1.0.0", [
        "context: [context/*.md]",
        "validation: { criteria: criteria.md }",
      ]),
      "libs/style/guide.md": STYLE_GUIDE,
      "libs/style/criteria.md": "- [C1] Every module has one export.\n",
      "libs/style/context/naming.md": "Verbs for functions.\n",
    };
    await folder.write(app(["style: { path: ../libs/style }"]), join(before, "app"));
    await folder.write(styleFiles, before);
    await folder.write(app(["style: { path: ../libs/style }"]), join(after, "app"));
    await folder.write(
      {
        ...styleFiles,
        "libs/style/specprompt.yaml": styleFiles["libs/style/specprompt.yaml"].replace("1.0.0", "1.1.0"),
        "libs/style/guide.md": `${STYLE_GUIDE}\n## Errors\n\nThrow Error subclasses.\n`,
        "libs/style/context/layout.md": "One folder per feature.\n",
      },
      after,
    );

    const report = await semanticDiff({
      a: at(join(before, "app")),
      b: at(join(after, "app")),
      cwd: folder.root,
      env: {},
    });

    expect(report.layers).toEqual([
      {
        kind: "guide",
        path: "@style/guide.md",
        status: "changed",
        lines: { added: 4, removed: 0 },
        sections: { added: [{ title: "Errors", added: 1, removed: 0 }], removed: [], changed: [] },
      },
      {
        kind: "context",
        path: "@style/context/layout.md",
        status: "added",
        lines: { added: 1, removed: 0 },
        sections: { added: [], removed: [], changed: [] },
      },
    ]);
    expect(report.imports).toEqual([
      {
        name: "style",
        status: "changed",
        from: "ts-style@1.0.0 from ../libs/style",
        to: "ts-style@1.1.0 from ../libs/style",
      },
    ]);
    expect(report.units.regenerate).toEqual([
      { unit: "a", reasons: ["import style changed: guide.md, context/layout.md added"] },
      {
        unit: "b",
        reasons: ["import style changed: guide.md, context/layout.md added", "needs a, which regenerates"],
      },
    ]);
    expect(report.warnings).toEqual([]);
    const text = formatSemanticDiff(report, false);
    expect(text).toMatch(/changed +guide: @style\/guide\.md +\(\+4 -0\)\n +section added "Errors"/);
    expect(text).toMatch(
      /imports\n +changed +import style: ts-style@1\.0\.0 from \.\.\/libs\/style → ts-style@1\.1\.0/,
    );
  });

  test("a folder side whose library is missing fails, naming the import", async () => {
    const dir = join(folder.root, "app");
    await folder.write(app(["style: { path: ../libs/none }"]), dir);
    const error = await rejectionOf(semanticDiff({ a: at(dir), b: at(dir), cwd: folder.root, env: {} }));
    expect(error.code).toBe("E_IMPORT");
    expect(error.message).toBe("import style: libs/none does not exist");
  });
});

describe("semanticDiff of git versions with imported libraries", () => {
  test("path imports are read at the side's commit (nested ones too), never from the working tree", async () => {
    const repo = folder.root;
    const dir = join(repo, "packages/app");
    await folder.write(app(["style: { path: ../../libs/style }"]), dir);
    await folder.write({
      "libs/style/specprompt.yaml": library("ts-style", "1.0.0", ["imports:", "  base: { path: ../base }"]),
      "libs/style/guide.md": STYLE_GUIDE,
      "libs/base/specprompt.yaml": library("base", "1.0.0"),
      "libs/base/guide.md": "## Base\n\nOne.\n",
    });
    git(repo, "init", "-q");
    commitAll(repo, "one");
    await folder.write({ "libs/base/guide.md": "## Base\n\nOne.\n\n## More\n\nTwo.\n" });
    commitAll(repo, "two");
    // Not committed: neither side may see it.
    await folder.write({ "libs/style/guide.md": "## Uncommitted\n\nNo.\n" });

    const report = await semanticDiff({ a: ref("HEAD~1"), b: ref("HEAD"), cwd: dir, env: {} });

    expect(report.layers.map((layer) => [layer.kind, layer.path, layer.status, layer.sections])).toEqual([
      [
        "guide",
        "@style/@base/guide.md",
        "changed",
        { added: [{ title: "More", added: 1, removed: 0 }], removed: [], changed: [] },
      ],
    ]);
    expect(report.units.regenerate[0]).toEqual({
      unit: "a",
      reasons: ["import style changed: @base/guide.md"],
    });
    expect(report.warnings).toEqual([]);

    // The working tree against HEAD: now the uncommitted edit shows, as a section removed and one added.
    const working = await semanticDiff({ a: ref("HEAD"), b: at(dir), cwd: dir, env: {} });
    expect(
      working.layers.map((layer) => [layer.path, layer.sections?.added, layer.sections?.removed]),
    ).toEqual([
      [
        "@style/guide.md",
        [{ title: "Uncommitted", added: 1, removed: 0 }],
        [{ title: "Modules", added: 0, removed: 1 }],
      ],
    ]);
  });

  test("a library outside the repository or absent at that commit is left out of that side, with a warning", async () => {
    const repo = join(folder.root, "repo");
    await folder.write(app(["style: { path: ../outside }", "later: { path: libs/later }"]), repo);
    // On disk, but never committed or outside the repository: a version must not read them.
    await folder.write({
      "outside/specprompt.yaml": library("outside", "1.0.0"),
      "outside/guide.md": STYLE_GUIDE,
    });
    await folder.write(
      { "libs/later/specprompt.yaml": library("later", "1.0.0"), "libs/later/guide.md": "Later.\n" },
      repo,
    );
    git(repo, "init", "-q");
    git(repo, "add", "specprompt.yaml", "core.md", "units");
    git(repo, "commit", "-q", "-m", "one");

    const report = await semanticDiff({ a: ref("HEAD"), b: at(repo), cwd: repo, env: {} });

    expect(report.warnings).toEqual([
      "HEAD: import later: libs/later has no specprompt.yaml at that commit; compared without it",
      "HEAD: import style: ../outside is outside the repository; compared without it",
    ]);
    expect(report.layers.map((layer) => [layer.path, layer.status])).toEqual([
      ["@later/guide.md", "added"],
      ["@style/guide.md", "added"],
    ]);
    expect(report.units.regenerate[0]).toEqual({
      unit: "a",
      reasons: ["import later added", "import style added"],
    });
  });

  test("git imports come from the copies vendored at each commit; a missing copy is a warning", async () => {
    const repo = folder.root;
    const source = { url: "https://example.invalid/libs.git", ref: "v1", path: "style" };
    const vendor = (ref: string, commit: string, guide: string) => {
      const key = vendorKey({ ...source, ref });
      return {
        [`${IMPORTS_DIR}/${key}.json`]: JSON.stringify({ ...source, ref, commit }),
        [`${IMPORTS_DIR}/${key}/specprompt.yaml`]: library("ts-style", ref === "v1" ? "1.0.0" : "2.0.0"),
        [`${IMPORTS_DIR}/${key}/guide.md`]: guide,
      };
    };
    const spec = (ref: string) => `style: { git: "${source.url}", ref: ${ref}, path: style }`;
    await folder.write({ ...app([spec("v1")]), ...vendor("v1", "1".repeat(40), STYLE_GUIDE) });
    git(repo, "init", "-q");
    commitAll(repo, "v1");
    await folder.write({
      ...app([spec("v2")]),
      ...vendor("v2", "2".repeat(40), `${STYLE_GUIDE}\n## Tests\n\nOne per module.\n`),
    });
    const v1 = `${IMPORTS_DIR}/${vendorKey(source)}`;
    git(repo, "rm", "-q", "-r", v1, `${v1}.json`);
    commitAll(repo, "v2");
    await folder.write(app([spec("v3")]));
    commitAll(repo, "v3, never vendored");

    const report = await semanticDiff({ a: ref("HEAD~2"), b: ref("HEAD~1"), cwd: repo, env: {} });

    expect(report.layers.map((layer) => [layer.path, layer.sections?.added])).toEqual([
      ["@style/guide.md", [{ title: "Tests", added: 1, removed: 0 }]],
    ]);
    expect(report.imports).toEqual([
      {
        name: "style",
        status: "changed",
        from: `ts-style@1.0.0 from ${source.url} (style) at v1 (111111111111)`,
        to: `ts-style@2.0.0 from ${source.url} (style) at v2 (222222222222)`,
      },
    ]);
    expect(report.units.regenerate[0]).toEqual({ unit: "a", reasons: ["import style changed: guide.md"] });

    const missing = await semanticDiff({ a: ref("HEAD~1"), b: ref("HEAD"), cwd: repo, env: {} });
    expect(missing.warnings).toEqual([
      `HEAD: import style: ${source.url} (style) at v3 is not fetched yet; compared without it`,
    ]);
    expect(missing.layers.map((layer) => [layer.path, layer.status])).toEqual([
      ["@style/guide.md", "removed"],
    ]);
  });

  test("an error in a library at a commit points at the file as git names it", async () => {
    const repo = folder.root;
    await folder.write({
      ...app(["style: { path: libs/style }"]),
      "libs/style/specprompt.yaml": library("ts-style", "1.0.0"),
    });
    git(repo, "init", "-q");
    commitAll(repo, "a library without its guide");

    const error = await rejectionOf(semanticDiff({ a: ref("HEAD"), b: ref("HEAD"), cwd: repo, env: {} }));

    expect(error.location?.file).toBe("HEAD:libs/style/specprompt.yaml");
    expect(error.message).toMatch(/guide: guide\.md does not exist/);
  });
});
