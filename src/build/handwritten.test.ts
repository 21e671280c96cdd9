import { describe, expect, it } from "vitest";
import { manifestSchema } from "../package/manifest-schema.js";
import { withoutHandwritten } from "./handwritten.js";
import { makeLayer, makeLock, makePackage, makeUnit } from "./make-test-package.js";
import { createOutputGuard } from "./output-guard.js";
import { planBuild } from "./plan-build.js";
import { computeUnitInputs } from "./unit-inputs.js";

const manifest = (handwritten?: string[]) =>
  manifestSchema.parse({
    name: "demo",
    version: "0.1.0",
    core: "core.md",
    ...(handwritten && { handwritten }),
  });

describe("hand-written files", () => {
  it("are no input at all for a package without them, so its recorded hashes stay valid", () => {
    const pkg = makePackage();
    const { inputs } = computeUnitInputs(pkg, pkg.units[0]!, {});
    expect(Object.keys(inputs)).not.toContain("handwritten");
  });

  it("are an input of every unit: changing one regenerates them, named", () => {
    const before = makePackage({
      manifest: manifest(["src/config.js"]),
      handwritten: [makeLayer("handwritten", "src/config.js", "export const start = 0;\n")],
      units: [makeUnit("a"), makeUnit("b")],
    });
    const after = {
      ...before,
      handwritten: [makeLayer("handwritten", "src/config.js", "export const start = 1;\n")],
    };

    const plan = planBuild(after, makeLock(before));

    expect(plan.units.map((unit) => [unit.unit, unit.action, unit.reasons])).toEqual([
      ["a", "generate", ["handwritten src/config.js changed"]],
      ["b", "generate", ["handwritten src/config.js changed"]],
    ]);
  });

  it("are refused by the output guard, even inside the unit's owned paths and before they exist", () => {
    const guard = createOutputGuard({
      outDir: "/nonexistent/pkg",
      packageDir: "/nonexistent/pkg",
      owns: ["src/**"],
      tests: [],
      handwritten: ["src/config.js", "src/legacy/**"],
      protectedPaths: [],
    });
    expect(guard.check("src/config.js")).toBe(
      "src/config.js is hand-written (handwritten: in the manifest); it is never generated",
    );
    expect(guard.check("./src/legacy/new.js")).toMatch(/^src\/legacy\/new\.js is hand-written/);
    expect(guard.check("src/app.js")).toBeUndefined();
  });

  it("leave the lock's outputs when adopted, so a build neither checks, rewrites nor deletes them", () => {
    const pkg = makePackage({ units: [makeUnit("a", { owns: ["src/a.js", "src/b.js"] })] });
    const lock = makeLock(pkg);
    const adopted = { ...pkg, manifest: manifest(["src/b.js"]) };

    expect(Object.keys(withoutHandwritten(lock, adopted)!.units.a!.outputs)).toEqual(["src/a.js"]);
    expect(Object.keys(lock.units.a!.outputs)).toEqual(["src/a.js", "src/b.js"]);
    expect(withoutHandwritten(lock, pkg)).toBe(lock);
  });
});
