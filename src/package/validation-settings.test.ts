import { describe, expect, it } from "vitest";
import { parseDurationMs, resolveValidation } from "./validation-settings.js";

describe("parseDurationMs", () => {
  it.each([
    [90, 90_000],
    [1.5, 1_500],
    ["500ms", 500],
    ["90s", 90_000],
    ["10m", 600_000],
    ["1h", 3_600_000],
    ["0.5m", 30_000],
  ] as const)("reads %s as %d ms", (value, ms) => {
    expect(parseDurationMs(value)).toBe(ms);
  });

  it("rejects a string without a unit", () => {
    expect(() => parseDurationMs("10")).toThrow(RangeError);
  });
});

describe("resolveValidation", () => {
  it("defaults to a 10 minute timeout, 3 iterations and no env", () => {
    expect(resolveValidation(undefined)).toEqual({
      command: undefined,
      timeoutMs: 600_000,
      maxIterations: 3,
      env: [],
    });
  });

  it("keeps what the manifest sets", () => {
    expect(resolveValidation({ command: "npm test", timeout: 30, maxIterations: 5, env: ["CI"] })).toEqual({
      command: "npm test",
      timeoutMs: 30_000,
      maxIterations: 5,
      env: ["CI"],
    });
  });
});
