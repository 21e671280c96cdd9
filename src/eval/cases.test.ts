import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rejectionOf } from "../../test/support/rejection-of.js";
import { gradeCase } from "./assertions.js";
import { iterateCases, loadCases } from "./cases.js";
import type { EvalCase } from "./types.js";

let root: string;
let dir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "specprompt-cases-"));
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

/** Writes the files and loads the cases of the first one (and any others given in `caseFiles`). */
async function load(files: Record<string, string>, caseFiles = [Object.keys(files)[0]!]) {
  await writeFiles(files);
  const warnings: string[] = [];
  const cases = await loadCases(
    { dir, caseFiles },
    { cwd: dir, onWarning: (warning) => warnings.push(warning) },
  );
  return { cases, warnings };
}

async function loadError(files: Record<string, string>) {
  await writeFiles(files);
  return rejectionOf(
    loadCases({ dir, caseFiles: [Object.keys(files)[0]!] }, { cwd: dir, onWarning: () => {} }),
  );
}

describe("YAML case files", () => {
  it("reads a list of cases with ids by position and defaults filled in", async () => {
    const { cases, warnings } = await load({
      "evals/basic.yaml": [
        "- description: greets",
        "  vars: { name: Ada, user: { plan: pro } }",
        "  assert:",
        "    - type: contains",
        "      value: Hello",
        "      weight: 2",
        "  repeat: 3",
        "  threshold: 0.5",
        "  metadata: { area: greeting }",
        "- vars: { name: Bob }",
        "",
      ].join("\n"),
    });
    expect(warnings).toEqual([]);
    expect(cases).toEqual<EvalCase[]>([
      {
        id: "evals/basic.yaml#0",
        file: "evals/basic.yaml",
        description: "greets",
        vars: { name: "Ada", user: { plan: "pro" } },
        assert: [{ type: "contains", value: "Hello", weight: 2 }],
        repeat: 3,
        threshold: 0.5,
        metadata: { area: "greeting" },
      },
      {
        id: "evals/basic.yaml#1",
        file: "evals/basic.yaml",
        vars: { name: "Bob" },
        assert: [],
        repeat: 1,
        metadata: {},
      },
    ]);
  });

  it("reads promptfoo's form: defaultTest merges into every case, and the case wins", async () => {
    const { cases, warnings } = await load({
      "cases.yaml": [
        "description: promptfoo config",
        "prompts: [prompt.txt]",
        "defaultTest:",
        "  vars: { tone: calm, lang: en }",
        "  assert: [{ type: not-contains, value: sorry }]",
        "  threshold: 0.8",
        "  metadata: { suite: core }",
        "  options: { provider: openai:judge }",
        "tests:",
        "  - vars: { lang: fr }",
        "    assert: [{ type: llm-rubric, value: polite }]",
        "  - vars: {}",
        "    threshold: 0.3",
        "    metadata: { suite: edge, slow: true }",
      ].join("\n"),
    });
    expect(cases.map((c) => c.vars)).toEqual([
      { tone: "calm", lang: "fr" },
      { tone: "calm", lang: "en" },
    ]);
    expect(cases[0]!.assert).toEqual([
      { type: "not-contains", value: "sorry" },
      { type: "llm-rubric", value: "polite", provider: "openai:judge" },
    ]);
    expect(cases[0]!.threshold).toBe(0.8);
    expect(cases[1]).toMatchObject({ threshold: 0.3, metadata: { suite: "edge", slow: true } });
    // Shared, so compiled once for the whole file.
    expect(cases[0]!.assert[0]).toBe(cases[1]!.assert[0]);
    expect(warnings).toEqual([
      "cases.yaml:1:1: 'description' is not used in a case file; ignored",
      "cases.yaml:2:1: 'prompts' is not used in a case file; ignored",
    ]);
  });

  it("reads JSON files the same way, with positions", async () => {
    const { cases } = await load({ "cases.json": '[{"vars": {"q": "hi"}}, {"vars": {"q": "yo"}}]' });
    expect(cases.map((c) => c.id)).toEqual(["cases.json#0", "cases.json#1"]);
    const error = await loadError({ "bad.json": '[\n  {"vars": {"q": "hi"}},\n  "not a case"\n]' });
    expect(error.location).toEqual({ file: "bad.json", line: 3, column: 3 });
  });

  it("names the line and column of a case that is not a map", async () => {
    const error = await loadError({ "cases.yaml": "- vars: { a: 1 }\n- just text\n" });
    expect(error.code).toBe("E_CASES");
    expect(error.message).toBe('a case must be a map (description:, vars:, assert:), got string "just text"');
    expect(error.location).toEqual({ file: "cases.yaml", line: 2, column: 3 });
  });

  it("refuses an unknown assertion type at its line, with the closest type", async () => {
    const error = await loadError({
      "cases.yaml": "tests:\n  - vars: {}\n    assert:\n      - type: icontain\n        value: x\n",
    });
    expect(error.message).toBe(
      "tests[0].assert[0]: unknown assertion type 'icontain'; did you mean 'icontains'?",
    );
    expect(error.location).toEqual({ file: "cases.yaml", line: 4, column: 15 });
    expect(error.hint).toContain("not-<type>");
  });

  it.each([
    ["- assert: { type: contains }\n", "assert must be a list of assertions, got a map", 1, 11],
    [
      "- assert:\n  - contains\n",
      '[0].assert[0]: an assertion is a map with type: and value:, got string "contains"',
      2,
      5,
    ],
    ["- assert: [{ value: x }]\n", "[0].assert[0]: missing type", 1, 12],
    ["- assert: [{ type: regex, value: '(' }]\n", "[0].assert[0]: regex does not compile", 1, 34],
    ["- repeat: 0\n", "repeat must be a whole number ≥ 1, got number 0", 1, 11],
    ["- threshold: 2\n", "threshold must be a score from 0 to 1, got number 2", 1, 14],
    ["- vars: [a, b]\n", "vars must be a map of name: value, got a list", 1, 9],
    ["- vars: {a: 1\n", "YAML: ", 2, 1],
    ["tests: nope\n", "expected a list of cases, or a map with tests: (and defaultTest:)", 1, 8],
  ])("refuses %j at its line", async (text, message, line, column) => {
    const error = await loadError({ "cases.yaml": text });
    expect(error.message).toContain(message);
    expect(error.location).toEqual({ file: "cases.yaml", line, column });
  });

  it("warns once per file about keys it ignores, naming promptfoo's own and suggesting close ones", async () => {
    const { cases, warnings } = await load({
      "cases.yaml": [
        "- vars: {}",
        "  provider: openai:other",
        "  descripton: typo",
        "  assert: [{ type: equals, value: x, transform: output.trim() }]",
        "- vars: {}",
        "  provider: openai:other",
        "  options: { transform: x }",
      ].join("\n"),
    });
    expect(cases).toHaveLength(2);
    expect(warnings).toEqual([
      "cases.yaml:2:3: 'provider' is a promptfoo setting specprompt does not use; ignored",
      "cases.yaml:3:3: unknown key 'descripton' ignored; did you mean 'description'?",
      "cases.yaml:4:38: 'transform' is a promptfoo setting specprompt does not use; ignored",
      "cases.yaml:7:14: options.transform is not used by specprompt; ignored",
    ]);
  });

  it("loads file:// vars relative to the case file, and refuses paths out of the package", async () => {
    const { cases } = await load({
      "evals/cases.yaml": "- vars: { doc: file://docs/a.txt, other: 'file://../shared/b.md', plain: text }\n",
      "evals/docs/a.txt": "Document A\r\n",
      "shared/b.md": "B",
    });
    expect(cases[0]!.vars).toEqual({ doc: "Document A\n", other: "B", plain: "text" });
    await writeFile(join(root, "secret.txt"), "secret");
    const error = await loadError({ "cases.yaml": "- vars:\n    doc: file://../secret.txt\n" });
    expect(error.message).toBe("vars.doc: '../secret.txt' points outside the package folder");
    expect(error.location).toEqual({ file: "cases.yaml", line: 2, column: 10 });
  });
});

describe("JSONL case files", () => {
  it("reads one case per line, skipping blank lines", async () => {
    const { cases } = await load({
      "cases.jsonl":
        '{"vars": {"q": "a"}, "assert": [{"type": "equals", "value": "A"}]}\n\n{"vars": {"q": "b"}}\n',
    });
    expect(cases.map((c) => [c.id, c.vars.q])).toEqual([
      ["cases.jsonl#0", "a"],
      ["cases.jsonl#1", "b"],
    ]);
  });

  it("names the line of a line that is not JSON, or not a case", async () => {
    const notJson = await loadError({ "cases.jsonl": '{"vars": {}}\n\n{"vars": \n' });
    expect(notJson.message).toMatch(/^line is not JSON: /);
    expect(notJson.location).toEqual({ file: "cases.jsonl", line: 3 });
    const notCase = await loadError({ "cases.jsonl": '{"vars": {}}\n\n[1, 2]\n' });
    expect(notCase.message).toBe("a case must be a map (description:, vars:, assert:), got a list");
    expect(notCase.location).toEqual({ file: "cases.jsonl", line: 3 });
    const badAssert = await loadError({ "cases.jsonl": '{"assert": [{"type": "nope"}]}\n' });
    expect(badAssert.location).toEqual({ file: "cases.jsonl", line: 1 });
  });
});

describe("CSV case files", () => {
  it("reads promptfoo's columns: vars, expectations, description, metadata, thresholds", async () => {
    const { cases, warnings } = await load({
      "cases.csv": [
        "question,context,__expected,__expected2,__description,__metadata:area,__metadata:tags[],__config:__expected2:threshold,__threshold,__prefix",
        '"Where is it, exactly?","line one\nline two",contains: Paris,llm-rubric: names a city,finds the city,geo,"a, b\\, c",0.7,0.5,x',
        "Hi,,Hello,,,,,,,",
      ].join("\r\n"),
    });
    expect(cases[0]).toEqual({
      id: "cases.csv#0",
      file: "cases.csv",
      description: "finds the city",
      vars: { question: "Where is it, exactly?", context: "line one\nline two" },
      assert: [
        { type: "contains", value: "Paris" },
        { type: "llm-rubric", value: "names a city", threshold: 0.7 },
      ],
      repeat: 1,
      threshold: 0.5,
      metadata: { area: "geo", tags: ["a", "b, c"] },
    });
    expect(cases[1]).toMatchObject({
      vars: { question: "Hi", context: "" },
      assert: [{ type: "equals", value: "Hello" }],
    });
    expect(warnings).toEqual(["cases.csv:1: column '__prefix' is not used by specprompt; ignored"]);
  });

  it("names the row's line and the column of a malformed expectation", async () => {
    const error = await loadError({
      "cases.csv": "q,__expected,__expected2\na,equals: a,\nb,contains: b,regex:(\n",
    });
    expect(error.message).toBe(
      "__expected2: regex does not compile: Invalid regular expression: /(/: Unterminated group",
    );
    expect(error.location).toEqual({ file: "cases.csv", line: 3 });
  });

  it("refuses rows whose field count differs from the header, and broken quoting", async () => {
    const short = await loadError({ "cases.csv": "a,b\n1,2\n3\n" });
    expect(short.message).toBe("row has 1 fields; the header has 2");
    expect(short.location).toEqual({ file: "cases.csv", line: 3 });
    const open = await loadError({ "cases.csv": 'a,b\n1,"2\n' });
    expect(open.message).toBe("CSV: a quoted field is never closed");
    expect(open.location).toEqual({ file: "cases.csv", line: 2 });
  });

  it("grades what the shorthands mean", async () => {
    const { cases } = await load({
      "cases.csv":
        '__expected1,__expected2,__expected3,__expected4,__expected5\nnot-icontains: SORRY,"contains-any: cash, refund",is-json,latency(500),"javascript: output.length > 3"\n',
    });
    const grade = await gradeCase(
      cases[0]!,
      {
        output: '{"refund": true}',
        latencyMs: 200,
        usage: { inputTokens: 1, outputTokens: 1 },
        cached: false,
      },
      { vars: {}, packageDir: dir, grade: () => Promise.reject(new Error("unused")) },
    );
    expect(grade.results.map((r) => [r.type, r.pass])).toEqual([
      ["not-icontains", true],
      ["contains-any", true],
      ["is-json", true],
      ["latency", true],
      ["javascript", true],
    ]);
  });
});

describe("loading the package's case files", () => {
  it("reads every file in order, yields them one file at a time, and collects warnings into the package by default", async () => {
    await writeFiles({
      "a.yaml": "- vars: { n: 1 }\n  extra: 1\n",
      "b.jsonl": '{"vars": {"n": 2}}\n',
    });
    const pkg = { dir, caseFiles: ["a.yaml", "b.jsonl"], warnings: [] as string[] };
    const ids: string[] = [];
    for await (const evalCase of iterateCases(pkg, { cwd: root })) ids.push(evalCase.id);
    expect(ids).toEqual(["a.yaml#0", "b.jsonl#0"]);
    expect(pkg.warnings).toEqual([`${join("pkg", "a.yaml")}:2:3: unknown key 'extra' ignored`]);
  });

  it("refuses a file type it cannot read", async () => {
    const error = await loadError({ "README.md": "# cases" });
    expect(error.message).toBe("cannot read cases from README.md: unknown file type");
    expect(error.hint).toContain("narrow the evals: globs");
  });

  it("loads 20,000 cases from one file, sharing its default assertions among them", async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `  - vars: { q: "question ${i}", n: ${i} }`);
    const { cases } = await load({
      "big.yaml": `defaultTest:\n  assert:\n    - type: regex\n      value: "^A"\n    - type: javascript\n      value: output.length < 500\ntests:\n${lines.join("\n")}\n`,
    });
    expect(cases).toHaveLength(20_000);
    expect(cases[19_999]!.id).toBe("big.yaml#19999");
    expect(new Set(cases.map((c) => c.assert[1])).size).toBe(1);
  });
});

describe("YAML files parsed whole", () => {
  it("resolves anchors, aliases and merge keys across cases, with positions", async () => {
    const { cases } = await load({
      "cases.yaml": [
        "base: &base",
        "  vars: { tone: calm }",
        "  assert: [{ type: contains, value: hi }]",
        "tests:",
        "  - <<: *base",
        "    description: first",
        "  - *base",
      ].join("\n"),
    });
    expect(cases.map((c) => [c.description, c.vars, c.assert])).toEqual([
      ["first", { tone: "calm" }, [{ type: "contains", value: "hi" }]],
      [undefined, { tone: "calm" }, [{ type: "contains", value: "hi" }]],
    ]);
    const error = await loadError({
      "bad.yaml": "x: &x 1\ntests:\n  - vars: {}\n  - repeat: *x\n    threshold: 5\n",
    });
    expect(error.location).toEqual({ file: "bad.yaml", line: 5, column: 16 });
  });

  it("reads a large JSON file with JSON.parse and finds positions only for a problem", async () => {
    const error = await loadError({
      "cases.json": '{\n  "tests": [\n    {"vars": {}},\n    {"repeat": -1}\n  ]\n}\n',
    });
    expect(error.message).toBe("repeat must be a whole number ≥ 1, got number -1");
    expect(error.location).toEqual({ file: "cases.json", line: 4, column: 16 });
  });
});
