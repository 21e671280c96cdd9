import { describe, expect, it } from "vitest";
import { compileJsonSchema, deepEqualJson, extractJsonValues } from "./json-output.js";

describe("extractJsonValues", () => {
  it("takes the whole output when it is JSON, scalars included", () => {
    expect(extractJsonValues(' {"a": 1}\n')).toEqual([{ a: 1 }]);
    expect(extractJsonValues("42")).toEqual([42]);
  });

  it("finds fenced blocks first, then objects and arrays in the prose around them, ignoring brackets in strings", () => {
    const text = 'Answer: [1, 2] then ```json\n{"s": "a } b"}\n``` and {"t": {"u": [true]}} but {not json}';
    expect(extractJsonValues(text)).toEqual([{ s: "a } b" }, [1, 2], { t: { u: [true] } }]);
  });

  it("finds nothing in prose without JSON", () => {
    expect(extractJsonValues("a {b} [c] d")).toEqual([]);
  });
});

describe("compileJsonSchema", () => {
  it("rejects an object lacking a required key, even one not listed in properties", () => {
    const check = compileJsonSchema({
      type: "object",
      required: ["a", "b"],
      properties: { a: { type: "string" } },
    });
    expect(check({ a: "x", b: null })).toBeUndefined();
    expect(check({ a: "x" })).toBe("/b: required, but missing");
    expect(check({ a: 1, b: 1 })).toMatch(/^\/a: /);
  });

  it("checks nested arrays, enums and references", () => {
    const check = compileJsonSchema({
      $defs: { tag: { enum: ["x", "y"] } },
      type: "array",
      items: { $ref: "#/$defs/tag" },
    });
    expect(check(["x", "y"])).toBeUndefined();
    expect(check(["x", "z"])).toMatch(/^\/1: /);
  });

  it("throws on keywords it cannot check and on a schema that is not an object", () => {
    const conditional = JSON.parse('{"if": {"type": "string"}, "then": {"minLength": 2}}');
    expect(() => compileJsonSchema(conditional)).toThrow();
    expect(() => compileJsonSchema("string")).toThrow("a JSON Schema is an object");
  });
});

describe("deepEqualJson", () => {
  it("ignores key order and compares arrays in order", () => {
    expect(deepEqualJson({ a: [1, { b: 2 }], c: null }, { c: null, a: [1, { b: 2 }] })).toBe(true);
    expect(deepEqualJson([1, 2], [2, 1])).toBe(false);
    expect(deepEqualJson({ a: undefined }, { b: undefined })).toBe(false);
  });
});
