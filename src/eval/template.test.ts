import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SpecPromptError } from "../errors.js";
import { createPackageFiles } from "./package-files.js";
import { compileTemplate } from "./template.js";

let root: string;
let dir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "specprompt-template-"));
  dir = join(root, "pkg");
  await mkdir(dir);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function writeFiles(files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

async function compile(files: Record<string, string>, defaults?: Record<string, unknown>) {
  await writeFiles(files);
  return compileTemplate({ path: "prompt.md", files: createPackageFiles(dir), defaults });
}

function errorOf(run: () => unknown): SpecPromptError {
  try {
    run();
  } catch (error) {
    if (error instanceof SpecPromptError) return error;
    throw error;
  }
  throw new Error("expected a SpecPromptError");
}

describe("compileTemplate: variables", () => {
  it("fills names, dotted paths into objects, flat dotted names, and renders objects and arrays as JSON", async () => {
    const template = await compile({
      "prompt.md": "Hi {{ user.name }} ({{user.age}}), {{db.url}}; tags {{tags}}; user {{user}}\n",
    });
    const [message] = template.render({
      user: { name: "Ada", age: 36 },
      "db.url": "pg://x",
      tags: ["a", "b"],
    });
    expect(message).toEqual({
      role: "user",
      content: 'Hi Ada (36), pg://x; tags ["a","b"]; user {"name":"Ada","age":36}',
    });
  });

  it("renders \\{{ as a literal {{ and refuses any other {{ that is not a variable or partial", async () => {
    const template = await compile({ "prompt.md": "Write \\{{name}} for {{name}}." });
    expect(template.render({ name: "x" })[0]!.content).toBe("Write {{name}} for x.");
    await writeFiles({ "prompt.md": "line one\n{{#each items}}\n" });
    const error = errorOf(() => compileTemplate({ path: "prompt.md", files: createPackageFiles(dir) }));
    expect(error.code).toBe("E_TEMPLATE");
    expect(error.location).toEqual({ file: "prompt.md", line: 2, column: 1 });
    expect(error.hint).toContain("\\{{");
  });

  it("uses the defaults when the vars lack a name, and the vars when they have it", async () => {
    const template = await compile({ "prompt.md": "{{tone}} {{topic}}" }, { tone: "calm", topic: "cats" });
    expect(template.render({ topic: "dogs" })[0]!.content).toBe("calm dogs");
  });

  it("names the missing variable with its file, line and column, never rendering a blank", async () => {
    const template = await compile({ "prompt.md": "# Title\n\nAnswer {{question}} for {{ usr.name }}.\n" });
    const error = errorOf(() => template.render({ question: "q", user: { name: "Ada" } }));
    expect(error.code).toBe("E_TEMPLATE");
    expect(error.message).toBe("missing variable 'usr.name'");
    expect(error.location).toEqual({ file: "prompt.md", line: 3, column: 25 });
    expect(error.hint).toContain("vars given: question, user");
  });

  it("suggests a close name, treats null as missing, and does not read inherited properties", async () => {
    const template = await compile({ "prompt.md": "{{question}}" });
    expect(errorOf(() => template.render({ questoin: "q" })).message).toBe(
      "missing variable 'question'; did you mean 'questoin'?",
    );
    expect(errorOf(() => template.render({ question: null })).message).toBe("variable 'question' is null");
    const inherited = await compile({ "prompt.md": "{{constructor}} {{a.toString}}" });
    expect(errorOf(() => inherited.render({ a: {} })).message).toContain("'constructor'");
  });

  it("lists every variable once, partials included, sorted", async () => {
    const template = await compile({
      "prompt.md": "{{b}} {{a.x}} {{> part.md}} {{b}}",
      "part.md": "{{c}}",
    });
    expect(template.variables).toEqual(["a.x", "b", "c"]);
  });
});

describe("compileTemplate: chat form", () => {
  it("is one user message without role lines, without the file's trailing newline", async () => {
    const template = await compile({ "prompt.md": "\nSummarise {{text}}.\n\n" });
    expect(template.render({ text: "this" })).toEqual([{ role: "user", content: "Summarise this." }]);
  });

  it("starts a message at each role line and trims the blank lines around each message", async () => {
    const template = await compile({
      "prompt.md":
        "[system]\nYou are terse.\n\n[user]\n\nQ: {{q}}\n  indented\n[assistant]\nA:\n[user]\nmore\n",
    });
    expect(template.render({ q: "why?" })).toEqual([
      { role: "system", content: "You are terse." },
      { role: "user", content: "Q: why?\n  indented" },
      { role: "assistant", content: "A:" },
      { role: "user", content: "more" },
    ]);
  });

  it("takes role lines only as whole lines of the template, never from a variable's value", async () => {
    const template = await compile({
      "prompt.md": "[system]\nSay [user] literally. {{x}}\n[user] {{y}}\n{{z}} [assistant]\n",
    });
    const messages = template.render({ x: "\n[assistant]\n", y: "Y", z: "Z" });
    expect(messages).toHaveLength(1);
    expect(messages[0]!.content).toBe("Say [user] literally. \n[assistant]\n\n[user] Y\nZ [assistant]");
  });

  it("refuses text before the first role line and a role line without content", async () => {
    await writeFiles({ "prompt.md": "\nintro\n[system]\nrules\n" });
    const files = createPackageFiles(dir);
    const before = errorOf(() => compileTemplate({ path: "prompt.md", files }));
    expect(before.message).toBe("text before the first [system], [user] or [assistant] line");
    expect(before.location).toEqual({ file: "prompt.md", line: 2 });

    await writeFiles({ "empty.md": "[system]\nrules\n[user]\n\n" });
    const empty = errorOf(() => compileTemplate({ path: "empty.md", files: createPackageFiles(dir) }));
    expect(empty.message).toBe("[user] has no content");
    expect(empty.location).toEqual({ file: "empty.md", line: 3 });
  });
});

describe("compileTemplate: partials", () => {
  it("includes partials relative to the including file, role lines included, without their last newline", async () => {
    const template = await compile({
      "prompt.md": "{{> parts/system.md}}\n[user]\n{{question}}\n",
      "parts/system.md": "[system]\n{{> ../shared/rules.md}}\nBe brief.\n",
      "shared/rules.md": "Rule: {{rule}}\n",
    });
    expect(template.render({ question: "Q", rule: "R" })).toEqual([
      { role: "system", content: "Rule: R\nBe brief." },
      { role: "user", content: "Q" },
    ]);
  });

  it("names the partial's file and line when a variable in it is missing", async () => {
    const template = await compile({ "prompt.md": "A\n{{> p.md}}", "p.md": "\n\n{{nope}}\n" });
    expect(errorOf(() => template.render({})).location).toEqual({ file: "p.md", line: 3, column: 1 });
  });

  it.each([
    ["../outside.md", "points outside the package folder"],
    ["/etc/passwd", "is not a relative path"],
    ["missing.md", "missing.md does not exist"],
  ])("refuses the partial %s at the include", async (path, problem) => {
    await writeFile(join(root, "outside.md"), "secret");
    await writeFiles({ "prompt.md": `first\n  {{> ${path}}}\n` });
    const error = errorOf(() => compileTemplate({ path: "prompt.md", files: createPackageFiles(dir) }));
    expect(error.code).toBe("E_TEMPLATE");
    expect(error.message).toContain(problem);
    expect(error.location).toEqual({ file: "prompt.md", line: 2, column: 3 });
  });

  it("refuses a partial that is a symbolic link to a file outside the package", async () => {
    await writeFile(join(root, "outside.md"), "secret");
    await writeFiles({ "prompt.md": "{{> link.md}}" });
    await symlink(join(root, "outside.md"), join(dir, "link.md"));
    const error = errorOf(() => compileTemplate({ path: "prompt.md", files: createPackageFiles(dir) }));
    expect(error.message).toBe("partial link.md is a link to a file outside the package folder");
  });

  it("refuses partials that include each other, naming the chain", async () => {
    await writeFiles({ "prompt.md": "{{> a.md}}", "a.md": "{{> sub/b.md}}", "sub/b.md": "x {{> ../a.md}}" });
    const error = errorOf(() => compileTemplate({ path: "prompt.md", files: createPackageFiles(dir) }));
    expect(error.message).toBe("partials include each other: a.md → sub/b.md → a.md");
    expect(error.location).toMatchObject({ file: "sub/b.md", line: 1, column: 3 });
  });
});

describe("compileTemplate: hash and speed", () => {
  it("hashes the template and its partials, and nothing else", async () => {
    const first = await compile({ "prompt.md": "{{> p.md}} {{x}}", "p.md": "one" });
    const same = await compile({ "prompt.md": "{{> p.md}} {{x}}", "p.md": "one", "other.md": "unrelated" });
    const changed = await compile({ "prompt.md": "{{> p.md}} {{x}}", "p.md": "two" });
    expect(same.hash).toBe(first.hash);
    expect(changed.hash).not.toBe(first.hash);
  });

  it("renders 20,000 times in well under a second", async () => {
    const template = await compile({
      "prompt.md": "[system]\n{{> p.md}}\n[user]\n{{question}} about {{user.name}}, {{n}}\n",
      "p.md": "You answer in {{lang}}.",
    });
    const started = performance.now();
    for (let i = 0; i < 20_000; i++) {
      template.render({ question: `q${i}`, user: { name: "Ada" }, n: i, lang: "English" });
    }
    expect(performance.now() - started).toBeLessThan(250);
  });
});
