import { describe, expect, it } from "vitest";
import { SpecPromptError } from "../errors.js";
import { findCycle, findDependents, orderUnits } from "./unit-graph.js";

describe("orderUnits", () => {
  it("puts every unit after the units it needs", () => {
    const order = orderUnits({
      cli: { needs: ["stats", "tokenize"] },
      stats: { needs: ["tokenize"] },
      tokenize: {},
    });
    expect(order).toEqual(["tokenize", "stats", "cli"]);
  });

  it("keeps manifest order among units that are ready at the same time", () => {
    const order = orderUnits({ d: { needs: ["c"] }, b: {}, c: {}, a: {}, e: { needs: ["a"] } });
    expect(order).toEqual(["b", "c", "d", "a", "e"]);
  });

  it("ignores unknown needs and self needs, which the manifest check reports", () => {
    expect(orderUnits({ a: { needs: ["zzz", "a"] }, b: {} })).toEqual(["a", "b"]);
  });

  it("throws E_UNITS naming the cycle", () => {
    expect(() => orderUnits({ a: { needs: ["b"] }, b: { needs: ["a"] } })).toThrow(
      new SpecPromptError("E_UNITS", "units form a cycle: a → b → a"),
    );
  });

  it("orders a long chain without deep recursion", () => {
    const units: Record<string, { needs?: string[] }> = {};
    for (let i = 5000; i > 0; i--) units[`u${i}`] = i > 1 ? { needs: [`u${i - 1}`] } : {};
    const order = orderUnits(units);
    expect(order[0]).toBe("u1");
    expect(order.at(-1)).toBe("u5000");
  });
});

describe("findCycle", () => {
  it("returns undefined for an acyclic graph", () => {
    expect(findCycle({ a: {}, b: { needs: ["a"] } })).toBeUndefined();
  });

  it("returns the cycle as a closed path starting at the first unit in the manifest", () => {
    expect(findCycle({ x: {}, b: { needs: ["c"] }, c: { needs: ["a"] }, a: { needs: ["b"] } })).toEqual([
      "b",
      "c",
      "a",
      "b",
    ]);
  });

  it("treats a unit needing itself as a cycle of one", () => {
    expect(findCycle({ a: { needs: ["a"] } })).toEqual(["a", "a"]);
  });
});

describe("findDependents", () => {
  it("lists direct and indirect dependents in manifest order", () => {
    const units = { cli: { needs: ["stats"] }, tokenize: {}, stats: { needs: ["tokenize"] }, other: {} };
    expect(findDependents(units, "tokenize")).toEqual(["cli", "stats"]);
    expect(findDependents(units, "other")).toEqual([]);
  });
});
