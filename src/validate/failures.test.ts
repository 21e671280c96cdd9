import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatFailureReport } from "./failure-report.js";
import { extractFailures } from "./failures.js";

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
/** The work tree the fixtures were captured in (their paths were rewritten to it). */
const ROOT = "/home/dev/textstats/.specprompt/tmp/20261121T094725Z-39b7c1/validate";

function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), "utf8");
}

function extract(name: string) {
  return extractFailures(fixture(name), [ROOT]);
}

describe("extractFailures on node:test output", () => {
  it("reads TAP: leaf failures with their suite, error, location and frames in the tree; suites and passes are left out", () => {
    const report = extract("node-tap.txt");
    expect(report.format).toBe("tap");
    expect(report.counts).toEqual({ passed: 2, failed: 2 });
    expect(report.failures).toEqual([
      {
        name: "count > AC-2: counts two words",
        file: "test/stats.test.js",
        message: "AssertionError: Expected values to be strictly equal:\n\n3 !== 2",
        frames: ["test/stats.test.js:7:12"],
      },
      {
        name: "AC-3: explode is safe",
        file: "test/stats.test.js",
        message: "TypeError: cannot read the words of undefined",
        frames: ["src/stats.js:5:9", "test/stats.test.js:15:3"],
      },
    ]);
  });

  it("reads a TAP test file that failed to load, with the error its stderr printed", () => {
    const syntax = extract("node-tap-syntax-error.txt");
    expect(syntax.failures).toHaveLength(1);
    expect(syntax.failures[0]).toMatchObject({
      name: "test/a.test.js",
      file: "test/a.test.js",
      frames: ["src/parse.js:1"],
    });
    expect(syntax.failures[0]!.message).toContain("SyntaxError: Unexpected token ';'");
    const missing = extract("node-tap-missing-module.txt");
    expect(missing.failures[0]!.message).toContain(
      "Cannot find module 'src/parse.js' imported from test/a.test.js",
    );
  });

  it("reads the spec reporter of Node 20 and of Node 24 from the closing 'failing tests' section", () => {
    for (const name of ["node-spec.txt", "node24-spec.txt"]) {
      const report = extract(name);
      expect(report.format, name).toBe("node-spec");
      expect(report.counts, name).toEqual({ passed: 2, failed: 2 });
      expect(
        report.failures.map((failure) => [failure.name, failure.file, failure.frames]),
        name,
      ).toEqual([
        ["AC-2: counts two words", "test/stats.test.js", ["test/stats.test.js:7:12"]],
        ["AC-3: explode is safe", "test/stats.test.js", ["src/stats.js:5:9", "test/stats.test.js:15:3"]],
      ]);
      expect(report.failures[0]!.message).toMatch(
        /^AssertionError \[ERR_ASSERTION\]: Expected values to be strictly equal:\n\n3 !== 2$/,
      );
    }
  });

  it("reads a spec-reporter file that failed to load, with the error printed above it", () => {
    const report = extract("node-spec-syntax-error.txt");
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]!.message).toContain("SyntaxError: Unexpected token ';'");
    expect(report.failures[0]!.frames).toEqual(["src/parse.js:1"]);
  });
});

describe("extractFailures on other runners", () => {
  it("reads JUnit XML from node:test and from pytest", () => {
    const node = extract("node-junit.xml");
    expect(node.format).toBe("junit");
    expect(node.counts).toEqual({ passed: 2, failed: 2 });
    expect(node.failures.map((failure) => failure.name)).toEqual([
      "count > AC-2: counts two words",
      "AC-3: explode is safe",
    ]);
    expect(node.failures[1]!.frames).toEqual(["src/stats.js:5:9", "test/stats.test.js:15:3"]);
    const pytest = extract("pytest-junit.xml");
    expect(pytest.counts).toEqual({ passed: 1, failed: 2 });
    expect(pytest.failures[0]!.message).toMatch(
      /^AssertionError: assert 3 == 2\n \+ {2}where 3 = count\('a b'\)/,
    );
    expect(pytest.failures[1]!.frames).toEqual(["tests/test_stats.py:15", "src/stats.py:6"]);
  });

  it("reads vitest's failed tests and failed suites, with or without colour", () => {
    for (const name of ["vitest.txt", "vitest-color.txt"]) {
      const report = extract(name);
      expect(report.format, name).toBe("vitest");
      expect(report.counts, name).toEqual({ passed: 2, failed: 2 });
      expect(report.failures, name).toEqual([
        {
          name: "test/stats.test.ts > count > AC-2: counts two words",
          file: "test/stats.test.ts",
          message:
            "AssertionError: expected 3 to be 2 // Object.is equality\n\n- Expected\n+ Received\n\n- 2\n+ 3",
          frames: ["test/stats.test.ts:6:26"],
        },
        {
          name: "test/stats.test.ts > AC-3: explode is safe",
          file: "test/stats.test.ts",
          message: "TypeError: cannot read the words of undefined",
          frames: ["src/stats.ts:5:9", "test/stats.test.ts:14:3"],
        },
      ]);
    }
    const suite = extract("vitest-failed-suite.txt").failures[0]!;
    expect(suite).toMatchObject({ name: "test/broken.test.ts", file: "test/broken.test.ts", frames: [] });
    expect(suite.message).toContain("src/parse.ts:1:46");
  });

  it("reads jest's failures and a suite that failed to run, leaving console output out", () => {
    const report = extract("jest.txt");
    expect(report.format).toBe("jest");
    expect(report.counts).toEqual({ passed: 2, failed: 2 });
    expect(report.failures).toEqual([
      {
        name: "count > AC-2: counts two words",
        file: "test/stats.test.js",
        message: "expect(received).toBe(expected) // Object.is equality\n\nExpected: 2\nReceived: 3",
        frames: ["test/stats.test.js:7:26"],
      },
      {
        name: "AC-3: explode is safe",
        file: "test/stats.test.js",
        message: "TypeError: cannot read the words of undefined",
        frames: ["src/stats.js:5:9", "test/stats.test.js:15:3"],
      },
    ]);
    expect(extract("jest-suite-error.txt").failures).toEqual([
      {
        name: "test/parse.test.js",
        file: "test/parse.test.js",
        message: "Cannot find module '../src/parse' from 'test/parse.test.js'",
        frames: ["test/parse.test.js:1:19"],
      },
    ]);
  });

  it("reads pytest's failures with their E lines and frames, and a collection error", () => {
    const report = extract("pytest.txt");
    expect(report.format).toBe("pytest");
    expect(report.counts).toEqual({ passed: 1, failed: 2 });
    expect(report.failures.map((failure) => [failure.name, failure.file, failure.frames])).toEqual([
      ["test_ac2_counts_two_words", "tests/test_stats.py", ["tests/test_stats.py:6"]],
      [
        "TestExplode.test_ac3_explode_is_safe",
        "tests/test_stats.py",
        ["src/stats.py:6", "tests/test_stats.py:15"],
      ],
    ]);
    expect(report.failures[0]!.message).toContain("AssertionError: assert 3 == 2");
    const collection = extract("pytest-collection-error.txt");
    expect(collection.counts).toEqual({ passed: 0, failed: 1 });
    expect(collection.failures[0]).toMatchObject({
      name: "tests/test_parse.py",
      file: "tests/test_parse.py",
      frames: ["src/parse.py:1", "tests/test_parse.py:1"],
    });
    expect(collection.failures[0]!.message).toContain("SyntaxError: expected ':'");
  });

  it("recognises nothing in output no runner wrote", () => {
    expect(extractFailures("make: *** [all] Error 2\n", [ROOT])).toEqual({ failures: [] });
  });
});

describe("formatFailureReport", () => {
  const run = (output: string, extra: Partial<Parameters<typeof formatFailureReport>[0]> = {}) =>
    formatFailureReport({
      command: "node --test",
      exitCode: 1,
      timedOut: false,
      timeoutMs: 600_000,
      report: extractFailures(output, [ROOT]),
      output,
      ...extra,
    });

  it("lists each failing test with its message and frames, without runtime frames or timings", () => {
    const report = run(fixture("node-tap.txt"));
    expect(report).toBe(
      [
        "`node --test` failed (exit code 1): 2 of 4 tests failed.",
        "",
        "1. count > AC-2: counts two words (test/stats.test.js)",
        "   AssertionError: Expected values to be strictly equal:",
        "",
        "   3 !== 2",
        "   at test/stats.test.js:7:12",
        "",
        "2. AC-3: explode is safe (test/stats.test.js)",
        "   TypeError: cannot read the words of undefined",
        "   at src/stats.js:5:9",
        "   at test/stats.test.js:15:3",
        "",
      ].join("\n"),
    );
  });

  it("reduces a huge log to its failures", () => {
    const noise = Array.from({ length: 4000 }, (_, index) => `# debug line ${index} ${"x".repeat(50)}`).join(
      "\n",
    );
    const output = fixture("node-tap.txt").replace("# noise line", noise);
    expect(output.length).toBeGreaterThan(200_000);
    const report = run(output);
    expect(report.length).toBeLessThan(1000);
    expect(report).toContain("3 !== 2");
    expect(report).not.toContain("debug line");
  });

  it("gives the same text for two runs that differ in timings, addresses and the folder they ran in", () => {
    const other = "/tmp/elsewhere/.specprompt/tmp/20270101T000000Z-000000/validate";
    const first = fixture("pytest.txt");
    const second = first
      .replaceAll(ROOT, other)
      .replace(/0x[0-9a-f]+/g, "0xdeadbeef12")
      .replace("in 0.50s", "in 1.73s");
    const format = (output: string, root: string) =>
      formatFailureReport({
        command: "pytest",
        exitCode: 1,
        timedOut: false,
        timeoutMs: 600_000,
        report: extractFailures(output, [root]),
        output,
      });
    expect(format(second, other)).toBe(format(first, ROOT));
  });

  it("shows the end of the log, bounded, when no runner's format is recognised", () => {
    const output = `${Array.from({ length: 500 }, (_, index) => `line ${index}`).join("\n")}\nboom: the build step failed\n`;
    const report = run(output, { command: "make check", exitCode: 2 });
    expect(report).toContain("`make check` failed (exit code 2).");
    expect(report).toContain("No failing test could be read from the output");
    expect(report).toContain("boom: the build step failed");
    expect(report).not.toContain("line 100\n");
    expect(report.split("\n").length).toBeLessThan(70);
  });

  it("says a run was stopped at the timeout", () => {
    const report = run("TAP version 13\n# waiting for a promise that never settles\n", {
      exitCode: null,
      timedOut: true,
      timeoutMs: 90_000,
    });
    expect(report).toMatch(/^`node --test` did not finish within 90s and was stopped\./);
    expect(report).toContain("waiting for a promise that never settles");
  });

  it("lists at most the limit of failures in full, and names the rest", () => {
    const tests = Array.from(
      { length: 30 },
      (_, index) => `not ok ${index + 1} - case ${index}\n  ---\n  error: 'wrong ${index}'\n  ...`,
    );
    const output = `TAP version 13\n${tests.join("\n")}\n1..30\n# pass 0\n# fail 30\n`;
    const report = run(output);
    expect(report).toContain("15. case 14");
    expect(report).not.toContain("16. case 15");
    expect(report).toContain("… and 15 more failing tests: case 15; case 16;");
  });
});
