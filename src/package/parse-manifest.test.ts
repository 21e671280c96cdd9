import { describe, expect, it } from "vitest";
import { type ManifestIssue, parseManifest } from "./parse-manifest.js";

const header = "name: demo\nversion: 0.1.0\ncore: core.md\nmodel: openai:gpt-4o-mini\n";

function errorsOf(text: string): ManifestIssue[] {
  const parsed = parseManifest(text, "specprompt.yaml");
  expect(parsed.manifest).toBeUndefined();
  return parsed.errors;
}

function onlyError(text: string): ManifestIssue {
  const errors = errorsOf(text);
  expect(errors).toHaveLength(1);
  return errors[0]!;
}

describe("parseManifest", () => {
  it("accepts a minimal code package and fills in defaults", () => {
    const parsed = parseManifest(header, "specprompt.yaml");
    expect(parsed.errors).toEqual([]);
    expect(parsed.manifest).toMatchObject({ name: "demo", kind: "code", out: "." });
  });

  it("reports a YAML syntax error at its line and column", () => {
    const error = onlyError(`${header}context: [a.md\nguide: guide.md\n`);
    expect(error).toMatchObject({ line: 6, column: 1 });
    expect(error.message).toMatch(/^YAML: /);
    expect(error.hint).toBeDefined();
  });

  it("reports a duplicate key as a YAML error", () => {
    const error = onlyError(`${header}core: other.md\n`);
    expect(error.line).toBe(5);
    expect(error.hint).toMatch(/once/);
  });

  it("reports an unknown key at the key itself and suggests the closest allowed key", () => {
    const error = onlyError("name: demo\nversion: 0.1.0\ncore: core.md\n  \nmodle: openai:gpt-4o\n");
    expect(error).toMatchObject({ line: 5, column: 1, path: ["modle"] });
    expect(error.message).toContain("unknown key 'modle'; did you mean 'model'?");
    expect(error.hint).toContain("allowed here:");
  });

  it("suggests keys allowed at the nested level where the unknown key is", () => {
    const error = onlyError(`${header}validation:\n  criteria: acceptance.md\n  comand: npm test\n`);
    expect(error).toMatchObject({ line: 7, column: 3 });
    expect(error.message).toBe("unknown key 'comand' in validation; did you mean 'command'?");
  });

  it("reports a value of the wrong type at the value's position", () => {
    const error = onlyError(`${header}validation:\n  maxIterations: three\n`);
    expect(error).toMatchObject({ line: 6, column: 18, path: ["validation", "maxIterations"] });
    expect(error.message).toBe('validation.maxIterations: expected number, got string "three"');
  });

  it("suggests quoting a number where a string is expected", () => {
    const error = onlyError("name: demo\nversion: 1.0\ncore: core.md\n");
    expect(error).toMatchObject({ line: 2, column: 10 });
    expect(error.hint).toMatch(/quotes/);
  });

  it("reports a missing field at the map that should hold it", () => {
    const error = onlyError(`${header}units:\n  stats:\n    owns: [src/stats.js]\n`);
    expect(error).toMatchObject({ line: 7, column: 5 });
    expect(error.message).toBe("missing required field 'prompt' in units.stats");
  });

  it("narrows a wrong list entry to the entry rather than the whole field", () => {
    const error = onlyError(`${header}context:\n  - a.md\n  - 42\n`);
    expect(error).toMatchObject({ line: 7, column: 5, path: ["context", 1] });
  });

  it("reports an empty manifest", () => {
    expect(onlyError("# nothing yet\n").message).toBe("specprompt.yaml is empty");
  });

  it("lists every schema problem in one pass, in file order", () => {
    const errors = errorsOf("version: 1.0\nmodle: x\ncore: core.md\n");
    expect(errors.map((e) => [e.line, e.column, e.message])).toEqual([
      [1, 1, "missing required field 'name'"],
      [1, 10, "version: expected string, got number 1"],
      [2, 1, "unknown key 'modle'; did you mean 'model'?"],
    ]);
  });
});

describe("parseManifest unit checks", () => {
  const units = (body: string) => `${header}units:\n${body}`;

  it("reports a need naming an unknown unit, with the closest name", () => {
    const error = onlyError(
      units(
        "  tokenize: { prompt: t.md, owns: [a.js] }\n  stats: { prompt: s.md, owns: [b.js], needs: [tokenise] }\n",
      ),
    );
    expect(error).toMatchObject({ line: 7, path: ["units", "stats", "needs", 0] });
    expect(error.message).toBe("unit 'stats' needs unknown unit 'tokenise'; did you mean 'tokenize'?");
  });

  it("reports a unit that needs itself", () => {
    const error = onlyError(units("  a: { prompt: a.md, owns: [a.js], needs: [a] }\n"));
    expect(error.message).toBe("unit 'a' needs itself");
  });

  it("names a cycle among units in order", () => {
    const error = onlyError(
      units(
        "  a: { prompt: a.md, owns: [a.js], needs: [b] }\n" +
          "  b: { prompt: b.md, owns: [b.js], needs: [c] }\n" +
          "  c: { prompt: c.md, owns: [c.js], needs: [a] }\n",
      ),
    );
    expect(error.message).toBe("units form a cycle: a → b → c → a");
    expect(error.line).toBe(6);
  });

  it("reports two units owning the same path", () => {
    const error = onlyError(
      units("  a: { prompt: a.md, owns: [src/x.js] }\n  b: { prompt: b.md, owns: [y.js, ./src/x.js] }\n"),
    );
    expect(error).toMatchObject({ line: 7, path: ["units", "b", "owns", 1] });
    expect(error.message).toBe("'src/x.js' is owned by both 'a' and 'b'");
  });

  it("reports a glob of one unit matching a path another unit owns", () => {
    const error = onlyError(
      units("  a: { prompt: a.md, owns: [src/x.js] }\n  b: { prompt: b.md, owns: 'src/**' }\n"),
    );
    expect(error.message).toBe("'src/**' in unit 'b' also matches 'src/x.js', owned by 'a'");
  });

  it("accepts a glob that excludes the path another unit owns", () => {
    const parsed = parseManifest(
      units(
        "  a: { prompt: a.md, owns: [src/x.js] }\n  b: { prompt: b.md, owns: ['src/**', '!src/x.js'] }\n",
      ),
      "specprompt.yaml",
    );
    expect(parsed.errors).toEqual([]);
  });

  it("reports an empty units map", () => {
    expect(onlyError(`${header}units: {}\n`).message).toBe("units: is empty");
  });
});

describe("parseManifest path checks", () => {
  const cases: [string, string, (string | number)[], RegExp][] = [
    ["core", "core: /etc/passwd\n", ["core"], /package folder/],
    ["guide", "guide: ../guide.md\n", ["guide"], /package folder/],
    ["context", "context: [docs/*.md, ../secrets/*.md]\n", ["context", 1], /package folder/],
    ["out", "out: ../elsewhere\n", ["out"], /package folder/],
    ["criteria", "validation:\n  criteria: a/../../c.md\n", ["validation", "criteria"], /package folder/],
    ["tests", "validation:\n  tests: ../test/**\n", ["validation", "tests"], /inside out/],
    [
      "unit prompt",
      "units:\n  a: { prompt: C:\\\\a.md, owns: [a.js] }\n",
      ["units", "a", "prompt"],
      /package folder/,
    ],
    ["owns", "units:\n  a: { prompt: a.md, owns: ['!../x.js'] }\n", ["units", "a", "owns", 0], /inside out/],
  ];
  it.each(cases)("rejects a %s path that escapes its folder", (_field, yaml, path, message) => {
    const text =
      header.replace("core: core.md\n", "") + (yaml.startsWith("core") ? "" : "core: core.md\n") + yaml;
    const error = onlyError(text);
    expect(error.path).toEqual(path);
    expect(error.message).toMatch(message);
  });

  it("accepts paths that climb out and back in", () => {
    expect(parseManifest(`${header}guide: docs/../guide.md\n`, "specprompt.yaml").errors).toEqual([]);
  });
});

describe("parseManifest warnings", () => {
  it("warns about prompt-only fields in a code package", () => {
    const parsed = parseManifest(`${header}threshold: 0.9\n`, "specprompt.yaml");
    expect(parsed.manifest).toBeDefined();
    expect(parsed.warnings).toMatchObject([
      { line: 5, message: "threshold: only used by kind: prompt; ignored" },
    ]);
  });
});
