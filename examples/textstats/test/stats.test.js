import assert from "node:assert/strict";
import { test } from "node:test";
import { analyze } from "../src/stats.js";

test("AC-2 empty text gives zeros and no top words", () => {
  assert.deepEqual(analyze(""), { lines: 0, words: 0, characters: 0, averageWordLength: 0, top: [] });
});

test("AC-3 counts lines, words and Unicode characters", () => {
  const report = analyze("one two\nthree café\n");
  assert.equal(report.lines, 2);
  assert.equal(report.words, 4);
  assert.equal(report.characters, 19);
  assert.equal(report.averageWordLength, 3.75);
});

test("AC-4 orders top words by count then alphabetically and honours the limit", () => {
  const report = analyze("b a c b a d b", { top: 3 });
  assert.deepEqual(report.top, [
    { word: "b", count: 3 },
    { word: "a", count: 2 },
    { word: "c", count: 1 },
  ]);
});

test("AC-4 defaults to five top words", () => {
  assert.equal(analyze("a b c d e f g").top.length, 5);
});
