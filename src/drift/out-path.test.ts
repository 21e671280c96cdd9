import { describe, expect, it } from "vitest";
import { parseFileArgument } from "./blame-file.js";
import { isSelected, toOutPath } from "./out-path.js";

describe("toOutPath", () => {
  it("turns a path typed from anywhere into a path relative to out", () => {
    expect(toOutPath("/pkg", "/pkg/gen", "gen/src/a.js")).toBe("src/a.js");
    expect(toOutPath("/pkg/gen/src", "/pkg/gen", "a.js")).toBe("src/a.js");
    expect(toOutPath("/elsewhere", "/pkg/gen", "/pkg/gen/src")).toBe("src");
  });

  it("refuses a path outside the output tree as bad usage", () => {
    expect(() => toOutPath("/pkg", "/pkg/gen", "core.md")).toThrow(
      /core\.md is outside the package's output tree \(gen\)/,
    );
    expect(() => toOutPath("/pkg", "/pkg", "../x.js")).toThrow(/outside/);
  });
});

describe("isSelected", () => {
  it("selects a file by itself or by a folder above it, never by a name prefix", () => {
    expect(isSelected("src/a.js", "src/a.js")).toBe(true);
    expect(isSelected("src/a.js", "src")).toBe(true);
    expect(isSelected("src/a.js", "")).toBe(true);
    expect(isSelected("srcx/a.js", "src")).toBe(false);
  });
});

describe("parseFileArgument", () => {
  it("splits file:line and leaves other colons alone", () => {
    expect(parseFileArgument("src/a.js:12")).toEqual({ file: "src/a.js", line: 12 });
    expect(parseFileArgument("src/a.js")).toEqual({ file: "src/a.js" });
    expect(parseFileArgument("odd:name.js")).toEqual({ file: "odd:name.js" });
    expect(() => parseFileArgument("src/a.js:0")).toThrow(/line numbers start at 1/);
  });
});
