import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { splitYamlCases } from "./split-yaml-cases.js";

describe("splitYamlCases", () => {
  it("cuts a list of cases at its items, each parsing to the same case as in the whole file", () => {
    const text =
      "# cases\n- vars: { a: 1 }\n  assert:\n    - type: contains\n      value: '- x'\n\n-\n  vars: { a: 2 }\n";
    const split = splitYamlCases(text)!;
    expect(split.form).toBe("list");
    expect(split.items.map((item) => item.lineOffset)).toEqual([1, 6]);
    expect(split.items.map((item) => parse(item.text)[0])).toEqual(parse(text));
  });

  it("cuts the map form into its keys and the items of tests:, indented or not", () => {
    const text = [
      "---",
      "description: x",
      "defaultTest:",
      "  vars: { a: 1 }",
      "tests: # the cases",
      "  - vars: { b: 1 }",
      "  # between",
      "  - description: |",
      "      - not an item",
      "prompts:",
      "- p.txt",
    ].join("\n");
    const split = splitYamlCases(text)!;
    expect(split.form).toBe("map");
    expect(split.keys.map((key) => [key.key, key.lineOffset])).toEqual([
      ["description", 1],
      ["defaultTest", 2],
      ["prompts", 9],
    ]);
    expect(split.items.map((item) => parse(item.text)[0])).toEqual(parse(text).tests);
    const compact = splitYamlCases("tests:\n- vars: {}\n- vars: { c: 1 }\n")!;
    expect(compact.items.map((item) => item.lineOffset)).toEqual([1, 2]);
  });

  it.each([
    ["anchors", "defaultTest: &d\n  vars: {}\ntests:\n  - *d\n"],
    ["merge keys", "tests:\n  - <<: *base\n"],
    ["several documents", "- a: 1\n---\n- a: 2\n"],
    ["a flow list of tests", "tests: [{ vars: {} }]\n"],
    ["quoted top-level keys", '"tests":\n  - a: 1\n'],
    ["no tests", "defaultTest:\n  vars: {}\n"],
    ["JSON", '[{"vars": {}}]'],
    ["a scalar", "hello\n"],
    ["tabs", "-\tvars: {}\n"],
  ])("leaves %s to the whole-file parse", (_what, text) => {
    expect(splitYamlCases(text)).toBeUndefined();
  });
});
