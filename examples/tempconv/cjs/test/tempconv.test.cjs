"use strict";
const assert = require("node:assert/strict");
const { test } = require("node:test");
const { convert } = require("../lib/convert.cjs");
const { format } = require("../lib/format.cjs");

test("AC-1 converts between Celsius and Fahrenheit", () => {
  assert.equal(convert(100, "C", "F"), 212);
  assert.equal(convert(32, "F", "C"), 0);
});

test("AC-2 converts from Kelvin, and to the same scale unchanged", () => {
  assert.equal(convert(0, "K", "C"), -273.15);
  assert.equal(convert(21.5, "C", "C"), 21.5);
});

test("AC-3 refuses an unknown scale, naming it", () => {
  assert.throws(() => convert(1, "X", "C"), { name: "RangeError", message: /X/ });
  assert.throws(() => format(1, "R"), { name: "RangeError", message: /R/ });
});

test("AC-4 refuses values below absolute zero and values that are not finite numbers", () => {
  assert.throws(() => convert(-300, "C", "K"), RangeError);
  assert.throws(() => convert(Number.NaN, "C", "F"), TypeError);
});

test("AC-5 formats readings with a degree sign except for Kelvin, rounding half away from zero", () => {
  assert.equal(format(21.456, "C"), "21.5 °C");
  assert.equal(format(300, "K", 0), "300 K");
  assert.equal(format(-0.05, "F"), "-0.1 °F");
});
