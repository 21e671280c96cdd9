import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeLayer, makePackage, makeUnit } from "../build/make-test-package.js";
import { manifestSchema } from "../package/manifest-schema.js";
import { findUntracked } from "./find-untracked.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "specprompt-untracked-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function files(paths: string[]): void {
  for (const path of paths) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), "x\n");
  }
}

describe("findUntracked", () => {
  it("lists files in owned globs and owned paths that the lock does not know, with their unit", () => {
    files([
      "src/api/a.js",
      "src/api/new.js",
      "src/api/deep/more.js",
      "src/cli.js",
      "src/other.js",
      "lib/x.js",
    ]);
    const pkg = makePackage({
      dir,
      outDir: dir,
      units: [makeUnit("api", { owns: ["src/api/**"] }), makeUnit("cli", { owns: ["src/cli.js"] })],
    });

    const found = findUntracked(pkg, new Set(["src/api/a.js"]));

    expect(found.files).toEqual([
      { path: "src/api/deep/more.js", unit: "api" },
      { path: "src/api/new.js", unit: "api" },
      { path: "src/cli.js", unit: "cli" },
    ]);
    expect(found.dirs).toEqual(["src", "src/api", "src/api/deep"]);
  });

  it("never counts tests, hand-written files, the package's own files or specprompt's state", () => {
    files([
      "core.md",
      "units/main.md",
      "test/a.test.js",
      "src/own.js",
      ".specprompt/local/x.json",
      "node_modules/m/i.js",
      "src/gen.js",
    ]);
    const pkg = makePackage({
      dir,
      outDir: dir,
      manifest: manifestSchema.parse({
        name: "demo",
        version: "0.1.0",
        core: "core.md",
        handwritten: ["src/own.js"],
      }),
      tests: [makeLayer("test", "test/a.test.js", "x\n")],
      units: [makeUnit("main", { owns: ["**"] })],
      protectedPaths: ["specprompt.yaml", "core.md", "units/main.md", "specprompt.lock", ".specprompt"],
    });

    expect(findUntracked(pkg, new Set()).files).toEqual([{ path: "src/gen.js", unit: "main" }]);
  });
});

describe("the folders findUntracked says decided its answer", () => {
  it("leaves out the folders of owned paths the lock knows, which can never be untracked", () => {
    files(["src/u1/a.js", "src/u2/b.js"]);
    const pkg = makePackage({
      dir,
      outDir: dir,
      units: [makeUnit("u1", { owns: ["src/u1/a.js"] }), makeUnit("u2", { owns: ["src/u2/b.js"] })],
    });

    expect(findUntracked(pkg, new Set(["src/u1/a.js"])).dirs).toEqual(["src/u2"]);
    expect(findUntracked(pkg, new Set(["src/u1/a.js", "src/u2/b.js"])).dirs).toEqual([]);
  });

  it("names the nearest existing folder above an owned folder that does not exist yet", () => {
    files(["src/x.js"]);
    const pkg = makePackage({
      dir,
      outDir: dir,
      units: [makeUnit("api", { owns: ["src/api/v1/**"] }), makeUnit("cli", { owns: ["lib/cli/main.js"] })],
    });

    expect(findUntracked(pkg, new Set()).dirs).toEqual(["", "src"]);
  });
});
