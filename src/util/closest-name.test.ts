import { describe, expect, it } from "vitest";
import { findClosestName, measureEditDistance } from "./closest-name.js";

describe("findClosestName", () => {
  it("counts a swap of neighbouring letters as one edit", () => {
    expect(measureEditDistance("modle", "model")).toBe(1);
    expect(findClosestName("modle", ["name", "model", "modelParams"])).toBe("model");
  });

  it("ignores case when comparing", () => {
    expect(findClosestName("Core", ["core", "guide"])).toBe("core");
  });

  it("suggests nothing when every candidate is far away", () => {
    expect(findClosestName("pricing", ["name", "core"])).toBeUndefined();
  });
});
