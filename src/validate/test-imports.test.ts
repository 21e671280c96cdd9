import { describe, expect, it } from "vitest";
import { readImports, resolveImport } from "./test-imports.js";

describe("readImports", () => {
  it("finds static, multi-line, side-effect, re-exported, dynamic and required modules", () => {
    const source = [
      'import assert from "node:assert/strict";',
      "import {",
      "  count,",
      "  explode,",
      '} from "../src/stats.js";',
      "import '../src/setup.js';",
      'export { tokenize } from "../src/tokenize.js";',
      'const cli = await import("../bin/cli.js");',
      'const legacy = require("../lib/legacy");',
      'test("mentions import \\"x\\" from nothing", () => {});',
    ].join("\n");
    expect(readImports("test/stats.test.js", source)).toEqual([
      "node:assert/strict",
      "../src/stats.js",
      "../src/tokenize.js",
      "../src/setup.js",
      "../bin/cli.js",
      "../lib/legacy",
    ]);
  });

  it("reads Python's from-imports and plain imports", () => {
    const source =
      "import os, sys\nfrom src.stats import count\nfrom .helpers import make\nimport src.tokenize\n";
    expect(readImports("tests/test_stats.py", source)).toEqual([
      "src.stats",
      ".helpers",
      "os",
      "sys",
      "src.tokenize",
    ]);
  });
});

describe("resolveImport", () => {
  const known = new Set([
    "src/stats.js",
    "src/parse.ts",
    "lib/legacy/index.js",
    "src/stats.py",
    "tests/helpers.py",
    "src/pkg/__init__.py",
  ]);

  it("resolves relative specifiers as Node and TypeScript do, among known files only", () => {
    expect(resolveImport("test/stats.test.js", "../src/stats.js", known)).toBe("src/stats.js");
    expect(resolveImport("test/parse.test.ts", "../src/parse.js", known)).toBe("src/parse.ts");
    expect(resolveImport("test/parse.test.ts", "../src/parse", known)).toBe("src/parse.ts");
    expect(resolveImport("test/x.test.js", "../lib/legacy", known)).toBe("lib/legacy/index.js");
    expect(resolveImport("test/x.test.js", "../src/other.js", known)).toBeUndefined();
    expect(resolveImport("test/x.test.js", "node:test", known)).toBeUndefined();
    expect(resolveImport("test/x.test.js", "src/stats.js", known)).toBeUndefined();
  });

  it("resolves Python modules from the root, relative to the test, and packages", () => {
    expect(resolveImport("tests/test_stats.py", "src.stats", known)).toBe("src/stats.py");
    expect(resolveImport("tests/test_stats.py", ".helpers", known)).toBe("tests/helpers.py");
    expect(resolveImport("tests/test_stats.py", "src.pkg", known)).toBe("src/pkg/__init__.py");
    expect(resolveImport("tests/test_stats.py", "os", known)).toBeUndefined();
  });
});
