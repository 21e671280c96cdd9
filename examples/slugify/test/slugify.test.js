import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { slugify } from "../src/slugify.js";

describe("slugify", () => {
  test("AC-1 lowercases, removes accents and joins words with '-'", () => {
    assert.equal(slugify("Crème Brûlée"), "creme-brulee");
    assert.equal(slugify("Hello World"), "hello-world");
  });

  test("AC-2 collapses other characters into one separator, never at the ends", () => {
    assert.equal(slugify("  Crème Brûlée — 2 ways!  "), "creme-brulee-2-ways");
    assert.equal(slugify("a__b..c"), "a-b-c");
  });

  test("AC-3 uses the separator given and refuses others", () => {
    assert.equal(slugify("Hello World", { separator: "_" }), "hello_world");
    assert.throws(() => slugify("x", { separator: "/" }), { name: "RangeError", message: /separator/ });
  });

  test("AC-4 cuts at a separator boundary, or inside a first word that is too long", () => {
    assert.equal(slugify("the quick brown fox", { maxLength: 12 }), "the-quick");
    assert.equal(slugify("supercalifragilistic word", { maxLength: 5 }), "super");
    assert.equal(slugify("short", { maxLength: 10 }), "short");
  });

  test("AC-5 gives the empty string when nothing is left", () => {
    assert.equal(slugify("!!!"), "");
    assert.equal(slugify(""), "");
  });

  test("QA-2 names the bad argument", () => {
    assert.throws(() => slugify(42), { name: "TypeError", message: /text/ });
    assert.throws(() => slugify("x", { maxLength: 0 }), { name: "RangeError", message: /maxLength/ });
  });

  test("QA-4 gives the same slug every time", () => {
    assert.equal(slugify("Déjà vu"), slugify("Déjà vu"));
  });
});
