import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { detectSides } from "./diff-sides.js";
import { formatSemanticDiff } from "./format-semantic-diff.js";
import { compareSections, countLines, semanticDiff } from "./semantic-diff.js";

const root = mkdtempSync(join(tmpdir(), "specprompt-semantic-diff-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A package without a model: two units, b needs a. */
function writePackage(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  const all: Record<string, string> = {
    "specprompt.yaml": [
      "name: p",
      "version: 1.0.0",
      "kind: code",
      "core: core.md",
      "out: .",
      "units:",
      "  a: { prompt: units/a.md, owns: [a.js] }",
      "  b: { prompt: units/b.md, owns: [b.js], needs: [a] }",
      "",
    ].join("\n"),
    "core.md": "# p\n\n## Purpose\n\nOne.\n",
    "units/a.md": "A.\n",
    "units/b.md": "B.\n",
    ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe("compareSections", () => {
  test("names sections added, removed and changed, with the lines of each body", () => {
    const before = "# T\n\n## Keep\n\nsame\n\n## Edit\n\none\ntwo\n\n## Gone\n\nx\ny\n";
    const after = "# T\n\n## Keep\n\nsame\n\n## Edit\n\none\n2\nthree\n\n## New\n\nz\n";
    expect(compareSections(before, after)).toEqual({
      added: [{ title: "New", added: 1, removed: 0 }],
      removed: [{ title: "Gone", added: 0, removed: 2 }],
      changed: [{ title: "Edit", added: 2, removed: 1 }],
    });
    expect(countLines("a\nb\n", "a\nc\nd\n")).toEqual({ added: 2, removed: 1 });
  });
});

describe("detectSides", () => {
  test("two package folders or version specs are sides; a path without a manifest or one argument is not", async () => {
    const one = writePackage("detect-one", {});
    const two = writePackage("detect-two", {});
    expect(await detectSides(root, [one, two])).toEqual([
      { kind: "folder", spec: one, dir: one },
      { kind: "folder", spec: two, dir: two },
    ]);
    expect(await detectSides(root, ["p@1.0.0", two])).toMatchObject([
      { kind: "version", name: "p", version: "1.0.0" },
      { kind: "folder" },
    ]);
    expect(await detectSides(one, [".", "core.md"])).toBeUndefined();
    expect(await detectSides(one, [".", "no-such-file-or-ref"])).toBeUndefined();
    expect(await detectSides(root, [one])).toBeUndefined();
    expect(await detectSides(root, [one, two, one])).toBeUndefined();
  });
});

describe("semanticDiff", () => {
  test("packages without a model still compare; a core section change regenerates every unit", async () => {
    const a = writePackage("plain-a", {});
    const b = writePackage("plain-b", {
      "core.md": "# p\n\n## Purpose\n\nOne.\n\n## Limits\n\nNone.\n",
      "units/b.md": "B, twice.\n",
    });
    const report = await semanticDiff({
      a: { kind: "folder", spec: a, dir: a },
      b: { kind: "folder", spec: b, dir: b },
      cwd: root,
      env: {},
    });
    expect(report.model).toEqual({ from: null, to: null, modelParams: [], units: [] });
    expect(report.layers.map((layer) => [layer.path, layer.status, layer.sections?.added])).toEqual([
      ["core.md", "changed", [{ title: "Limits", added: 1, removed: 0 }]],
      ["units/b.md", "changed", []],
    ]);
    expect(report.units.regenerate).toEqual([
      { unit: "a", reasons: ["core changed"] },
      { unit: "b", reasons: ["core changed", "unit prompt changed", "needs a, which regenerates"] },
    ]);
    expect(formatSemanticDiff(report, true)).toMatch(/\x1b\[33mchanged/);
    expect(formatSemanticDiff(report, false)).not.toMatch(/\x1b\[/);

    const same = await semanticDiff({
      a: { kind: "folder", spec: a, dir: a },
      b: { kind: "folder", spec: a, dir: a },
      cwd: root,
      env: {},
    });
    expect(formatSemanticDiff(same, false)).toMatch(/no differences/);
  });
});
