import { existsSync } from "node:fs";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { SpecPromptError } from "../errors.js";

/** The files of a new package, as path → content; pure so it is easy to test and to show. */
export function scaffoldFiles(name: string, model: string): Record<string, string> {
  return {
    "specprompt.yaml": `# yaml-language-server: $schema=./node_modules/specprompt/schema/specprompt.schema.json
name: ${name}
version: 0.1.0
kind: code
core: core.md
context: [context/**/*.md]
guide: guide.md
model: ${model}
modelParams: { temperature: 0 }
out: .
params: { license: MIT }
validation:
  criteria: acceptance.md
  tests: [test/**]
  command: node --test
units:
  slugify: { prompt: units/slugify.md, owns: [src/slugify.js] }
`,
    "core.md": `# ${name}

## Purpose
A small, dependency-free JavaScript library that turns titles into URL slugs.

## User stories
- As a blog author, I turn "Hello, World!" into \`hello-world\` for my post's address.
- As a developer, I get the same slug for the same title every time.

## Key behaviours
- Lowercase, ASCII letters and digits, words joined by single hyphens.
- Accents are folded (\`Crème brûlée\` → \`creme-brulee\`); other symbols are dropped.
`,
    "guide.md": `# Generation guide

- Plain ES modules for Node.js 20 or later; no dependencies.
- Every source file starts with \`// SPDX-License-Identifier: {{license}}\`.
- Small pure functions with JSDoc on exports.
`,
    "acceptance.md": `# Acceptance criteria

- AC-1: \`slugify("Hello, World!")\` returns \`"hello-world"\`.
- AC-2: accents are folded and runs of separators collapse to one hyphen.
- AC-3: an input with no letters or digits returns \`""\`.
`,
    "context/README.md": `# Context documents

Put APIs, schemas, data models and business rules here; every unit sees them.
`,
    "units/slugify.md": `Write \`src/slugify.js\` exporting \`slugify(text: string): string\` as described in the core prompt.
`,
    "test/slugify.test.js": `import assert from "node:assert/strict";
import { test } from "node:test";
import { slugify } from "../src/slugify.js";

test("AC-1 turns a title into a slug", () => {
  assert.equal(slugify("Hello, World!"), "hello-world");
});

test("AC-2 folds accents and collapses separators", () => {
  assert.equal(slugify("  Crème -- brûlée  "), "creme-brulee");
});

test("AC-3 returns an empty slug when nothing is left", () => {
  assert.equal(slugify("!!!"), "");
});
`,
    "package.json": `${JSON.stringify({ name, version: "0.1.0", private: true, type: "module", scripts: { test: "node --test" } }, null, 2)}\n`,
    ".gitignore":
      ".specprompt/staging/\n.specprompt/tmp/\n.specprompt/failed/\n.specprompt/absorbed/\n.specprompt/evals/\n.specprompt/local/\nnode_modules/\n",
  };
}

/** Create a new package folder; refuses to write into a folder that has files in it. */
export async function scaffoldPackage(options: {
  dir: string;
  cwd: string;
  name?: string;
  model?: string;
}): Promise<{ dir: string; name: string; files: string[] }> {
  const dir = resolve(options.cwd, options.dir);
  const name =
    options.name ??
    basename(dir)
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/^-+|-+$/g, "");
  if (!/^(@[a-z0-9][a-z0-9-]*\/)?[a-z0-9][a-z0-9-]*$/.test(name)) {
    throw new SpecPromptError("E_INIT", `'${name}' is not a valid package name`, {
      hint: "use lowercase letters, digits and '-', or pass --name",
    });
  }
  if (existsSync(dir) && (await readdir(dir)).length > 0) {
    throw new SpecPromptError("E_INIT", `${options.dir} already exists and is not empty`, {
      hint: "choose a new folder name; init never overwrites files",
    });
  }
  const files = scaffoldFiles(name, options.model ?? "openai:gpt-4o-mini");
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content, { flag: "wx" });
  }
  return { dir, name, files: Object.keys(files) };
}
