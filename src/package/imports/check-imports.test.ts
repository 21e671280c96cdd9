import { describe, expect, it } from "vitest";
import { parseManifest } from "../parse-manifest.js";

const head = "name: app\nversion: 0.1.0\ncore: core.md\n";

function check(text: string) {
  const parsed = parseManifest(text, "specprompt.yaml");
  const show = (issue: { message: string; line?: number }) => `${issue.line}: ${issue.message}`;
  return { errors: parsed.errors.map(show), warnings: parsed.warnings.map(show) };
}

describe("imports: in the manifest", () => {
  it("accepts a path import and a git import at a ref, with use and sections", () => {
    const result = check(
      `${head}imports:\n  style: { path: ../libs/ts-style, sections: [Naming] }\n  testing: { git: https://example.com/libs.git, ref: v1.2.0, path: libs/testing, use: [criteria, context] }\n`,
    );
    expect(result).toEqual({ errors: [], warnings: [] });
  });

  it("refuses an import that says neither where nor which ref", () => {
    const result = check(
      `${head}imports:\n  a: { use: [guide] }\n  b: { git: https://example.com/x.git }\n  c: { path: ../c, ref: v1 }\n  d: { path: /abs/lib }\n  e: { git: x, ref: v1, path: ../up }\n`,
    );
    expect(result.errors).toEqual([
      "5: imports.a: give path: (the library's folder) or git: (its repository) with ref:",
      "6: imports.b: a git import needs ref: (a tag or a commit)",
      "7: imports.c.ref: only a git import has a ref",
      "8: imports.d.path: use a path relative to this manifest, not '/abs/lib'",
      "9: imports.e.path: must be a folder inside the repository",
    ]);
  });

  it("refuses a git URL or ref that git would read as an option, or that is not a ref name", () => {
    const result = check(
      `${head}imports:\n  a: { git: "--upload-pack=touch /tmp/x", ref: v1 }\n  b: { git: ../repo, ref: "--upload-pack=touch /tmp/x" }\n  c: { git: ../repo, ref: "main:refs/x" }\n  d: { git: ../repo, ref: "v1..v2" }\n  e: { git: "file:///srv/my repo", ref: v1 }\n`,
    );
    expect(result.errors).toEqual([
      "5: imports.a.git: '--upload-pack=touch /tmp/x' is not a repository URL or path git can fetch safely",
      "6: imports.b.ref: '--upload-pack=touch /tmp/x' is not a tag, branch or commit name",
      "7: imports.c.ref: 'main:refs/x' is not a tag, branch or commit name",
      "8: imports.d.ref: 'v1..v2' is not a tag, branch or commit name",
      "9: imports.e.git: 'file:///srv/my repo' is not a repository URL or path git can fetch safely",
    ]);
  });

  it("refuses an alias that cannot be written @alias/ and an unknown layer in use:", () => {
    const result = check(`${head}imports:\n  Style_1: { path: ../s }\n  ok: { path: ../o, use: [tests] }\n`);
    expect(result.errors).toEqual([
      "5: imports: invalid name 'Style_1': use lowercase letters, digits and '-' (it is written @alias/...)",
      '6: imports.ok.use[0]: expected one of "guide", "context", "criteria", "partials", got "tests"',
    ]);
  });

  it("warns about layers the package cannot use and sections of a guide it does not take", () => {
    const result = check(
      `${head}imports:\n  s: { path: ../s, use: [criteria, partials, criteria], sections: [A] }\n`,
    );
    expect(result.warnings).toEqual([
      "5: imports.s.use: a kind: code package has no use for partials; ignored",
      "5: imports.s.use: lists criteria twice",
      "5: imports.s.sections: picks sections of the guide, which use: leaves out",
    ]);
  });

  it("lets a library hold guide, context and criteria without a core, and warns about what it ignores", () => {
    const result = check(
      "name: lib\nversion: 1.0.0\nkind: library\nguide: guide.md\ncontext: [docs/*.md]\nvalidation: { criteria: c.md }\ntemplate: t.md\n",
    );
    expect(result).toEqual({
      errors: [],
      warnings: ["7: template: a kind: library package is only imported, never built; ignored"],
    });
  });
});
