import { describe, expect, it } from "vitest";
import { stableStringify } from "./stable-json.js";

describe("stableStringify", () => {
  it("sorts object keys at every level, inside arrays too", () => {
    const value = { b: 1, a: { d: [{ z: 1, y: 2 }], c: null } };
    expect(stableStringify(value)).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
  });

  it("gives the same text for values that differ only in key order", () => {
    expect(stableStringify({ x: 1, y: { p: true, q: "s" } })).toBe(
      stableStringify({ y: { q: "s", p: true }, x: 1 }),
    );
  });

  it("keeps array order, which is meaningful", () => {
    expect(stableStringify([3, 1, 2])).toBe("[3,1,2]");
  });

  it("drops undefined properties like JSON.stringify does", () => {
    expect(stableStringify({ a: undefined, b: 2 })).toBe('{"b":2}');
    expect(stableStringify({ a: undefined, b: 2 })).toBe(JSON.stringify({ a: undefined, b: 2 }));
  });

  it("serialises a Date as its ISO text, so two dates never give the same text", () => {
    expect(stableStringify({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
    expect(stableStringify(new Date(1))).not.toBe(stableStringify(new Date(2)));
  });

  it("indents when asked", () => {
    expect(stableStringify({ b: 1, a: 2 }, 2)).toBe('{\n  "a": 2,\n  "b": 1\n}');
  });
});
