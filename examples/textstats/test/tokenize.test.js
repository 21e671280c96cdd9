import assert from "node:assert/strict";
import { test } from "node:test";
import { tokenize } from "../src/tokenize.js";

test("AC-1 splits on punctuation and spaces and lowercases", () => {
  assert.deepEqual(tokenize("Hello, World! Hello again."), ["hello", "world", "hello", "again"]);
});

test("AC-1 keeps inner apostrophes and hyphens but not outer ones", () => {
  assert.deepEqual(tokenize("Don't stop: a well-known 'quote' -- ok"), [
    "don't",
    "stop",
    "a",
    "well-known",
    "quote",
    "ok",
  ]);
});

test("AC-1 treats letters of any script and digits as word characters", () => {
  assert.deepEqual(tokenize("Café 42 naïve Ελλάδα"), ["café", "42", "naïve", "ελλάδα"]);
});
