import { describe, expect, it } from "vitest";
import { extractCriteria, extractTestNames, findCoverage } from "./criteria.js";

describe("extractCriteria", () => {
  it("reads ids, titles and line numbers from list items", () => {
    const markdown =
      "# Acceptance criteria\n\n- AC-1: `tokenize` splits words.\n- AC-2: empty text gives zeros.\n";
    expect(extractCriteria(markdown)).toEqual([
      { id: "AC-1", title: "tokenize splits words.", line: 3 },
      { id: "AC-2", title: "empty text gives zeros.", line: 4 },
    ]);
  });

  it("accepts headings, numbered items, checkboxes, bold and bracketed ids and other prefixes", () => {
    const markdown = [
      "## REQ-7 — exports a function",
      "1. **AC-3** counts lines",
      "- [ ] [US-12] sign in",
      "AC-4. ordered output",
      "- `AC-5`: JSON output",
    ].join("\n");
    expect(extractCriteria(markdown).map((criterion) => [criterion.id, criterion.title])).toEqual([
      ["REQ-7", "exports a function"],
      ["AC-3", "counts lines"],
      ["US-12", "sign in"],
      ["AC-4", "ordered output"],
      ["AC-5", "JSON output"],
    ]);
  });

  it("ignores ids in running text, words that only look like ids, code blocks and repeats", () => {
    const markdown = [
      "- UTF-8 input is supported",
      "Covers AC-1: not at the start of the line.",
      "```",
      "AC-9: inside a code block",
      "```",
      "- AC-1: the real one",
      "- AC-1: said again",
    ].join("\n");
    expect(extractCriteria(markdown)).toEqual([{ id: "AC-1", title: "the real one", line: 6 }]);
  });
});

describe("extractTestNames", () => {
  it("finds test, it and describe names in JavaScript with any quote, modifiers included", () => {
    const content = [
      'test("AC-1 splits words", () => {});',
      "it.only('AC-2 handles empty text', () => {});",
      "describe(`AC-3 counting`, () => {});",
      'test.skip("AC-4 \\"quoted\\" name", () => {});',
    ].join("\n");
    expect(extractTestNames(content)).toEqual([
      "AC-1 splits words",
      "AC-2 handles empty text",
      "AC-3 counting",
      'AC-4 \\"quoted\\" name',
    ]);
  });

  it("finds Python, Go and Rust test functions", () => {
    const content =
      "def test_ac_1_splits():\nfunc TestAC2Empty(t *testing.T) {\nfn test_ac_3() {}\ndef helper():";
    expect(extractTestNames(content)).toEqual(["test_ac_1_splits", "TestAC2Empty", "test_ac_3"]);
  });
});

describe("findCoverage", () => {
  const criteria = extractCriteria("- AC-1: one\n- AC-2: two\n- AC-10: ten\n");

  it("maps every criterion to the tests naming its id, and uncovered ones to an empty list", () => {
    const coverage = findCoverage(criteria, [
      { path: "test/a.test.js", content: 'test("AC-1 first", () => {});\ntest("AC-1 second", () => {});' },
      { path: "test/b.test.js", content: 'test("AC-10 tenth", () => {});' },
    ]);
    expect(Object.fromEntries(coverage)).toEqual({
      "AC-1": ["AC-1 first", "AC-1 second"],
      "AC-2": [],
      "AC-10": ["AC-10 tenth"],
    });
  });

  it("matches ids without case and with underscores, but never a longer number or a longer prefix", () => {
    const coverage = findCoverage(criteria, [
      { path: "test_x.py", content: "def test_ac_2_two():\n  pass\ndef test_xac_1():\n  pass" },
    ]);
    expect(coverage.get("AC-2")).toEqual(["test_ac_2_two"]);
    expect(coverage.get("AC-1")).toEqual([]);
  });
});
