import { describe, expect, it } from "vitest";
import { checkCsvHeader, parseAssertionShorthand, readCsvRow } from "./csv-cases.js";

describe("parseAssertionShorthand", () => {
  it.each([
    ["contains: Paris", { type: "contains", value: "Paris" }],
    ["not-icontains:sorry", { type: "not-icontains", value: "sorry" }],
    ["contains-any: cash, refund ,credit", { type: "contains-any", value: ["cash", "refund", "credit"] }],
    ["regex: ^\\d+$", { type: "regex", value: "^\\d+$" }],
    ["is-json", { type: "is-json" }],
    ["starts-with: Dear", { type: "starts-with", value: "Dear" }],
    ["latency(500)", { type: "latency", threshold: 500 }],
    ["cost: 0.01", { type: "cost", threshold: 0.01 }],
    ["llm-rubric: is polite", { type: "llm-rubric", value: "is polite" }],
    ["grade: is polite", { type: "llm-rubric", value: "is polite" }],
    ["javascript: output.length < 10", { type: "javascript", value: "output.length < 10" }],
    ["fn: output === 'x'", { type: "javascript", value: "output === 'x'" }],
    ["file://checks/a.js:isShort", { type: "javascript", value: "file://checks/a.js:isShort" }],
    ["equals: contains: x", { type: "equals", value: "contains: x" }],
    ["Paris, France", { type: "equals", value: "Paris, France" }],
    ["python: x", { type: "python", value: "x" }],
    ["similar(0.9): hello", { type: "similar", value: "hello", threshold: 0.9 }],
    ["file://check.py", { type: "python", value: "file://check.py" }],
  ])("reads %j", (text, spec) => {
    expect(parseAssertionShorthand(text)).toEqual(spec);
  });
});

describe("readCsvRow", () => {
  it("applies __metric to every expectation and leaves empty expectation columns out", () => {
    const row = readCsvRow(
      ["q", "__expected1", "__expected2", "__metric"],
      ["hi", "", "contains: a", "accuracy"],
    );
    expect(row.raw.assert).toEqual([{ type: "contains", value: "a", metric: "accuracy" }]);
    expect(row.assertColumns).toEqual(["__expected2"]);
    expect(row.raw.vars).toEqual({ q: "hi" });
  });
});

describe("checkCsvHeader", () => {
  it("refuses a duplicate column and warns about columns it ignores or that look mistyped", () => {
    expect(checkCsvHeader(["a", "a"]).error).toBe("column 'a' appears twice in the header");
    expect(checkCsvHeader(["q", "__prefix", "_expected", "__expected3"]).warnings).toEqual([
      "column '__prefix' is not used by specprompt; ignored",
      "column '_expected' is a var; did you mean '__expected'?",
    ]);
  });
});
