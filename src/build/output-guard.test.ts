import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOutputGuard, normalize, type OutputGuardOptions } from "./output-guard.js";

let root: string;
let pkgDir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "specprompt-guard-"));
  pkgDir = join(root, "pkg");
  await mkdir(pkgDir);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const PROTECTED = [
  "specprompt.yaml",
  "core.md",
  "units/cli.md",
  "specprompt.lock",
  "CHANGELOG.md",
  ".specprompt",
];

function guard(options: Partial<OutputGuardOptions> = {}) {
  return createOutputGuard({
    outDir: pkgDir,
    packageDir: pkgDir,
    owns: ["**"],
    tests: ["test/**"],
    protectedPaths: PROTECTED,
    ...options,
  });
}

describe("createOutputGuard", () => {
  it.each([
    ["/etc/passwd", "is absolute"],
    ["C:/Windows/x", "is absolute"],
    ["~/.ssh/authorized_keys", "is absolute"],
    ["C:\\x", "use forward slashes"],
    ["src\\a.js", "use forward slashes"],
    ["../outside.js", "climbs out with '..'"],
    ["src/../../outside.js", "climbs out with '..'"],
    ["src/a/..", "climbs out with '..'"],
    ["src/a\0.js", "NUL"],
    ["", "non-empty string"],
    ["   ", "non-empty string"],
    ["./", "names the output root itself"],
    [".git/hooks/pre-commit", "inside .git/"],
    ["vendor/lib/.git/config", "inside .git/"],
    [".GIT/hooks/post-checkout", "inside .git/"],
    [".specprompt/cache/ab/x.json", "inside .specprompt/"],
  ])("refuses %j (%s)", (path, reason) => {
    expect(guard().check(path)).toContain(reason);
  });

  it.each([42, null, undefined, { path: "src/a.js" }])("refuses a path that is not a string: %j", (path) => {
    expect(guard().check(path)).toBe("path must be a non-empty string");
  });

  it("refuses a path outside the unit's owned globs and names them", () => {
    const check = guard({ owns: ["src/stats.js", "lib/**"] }).check;
    expect(check("src/other.js")).toBe(
      "src/other.js is outside this unit's owned paths (src/stats.js, lib/**)",
    );
    expect(check("README.md")).toContain("outside this unit's owned paths");
  });

  it("refuses a validation test even when the unit owns everything", () => {
    expect(guard({ protectedPaths: [] }).check("test/new.test.js")).toBe(
      "test/new.test.js is a validation test; tests are hand-written and read-only",
    );
  });

  it.each(["specprompt.yaml", "core.md", "units/cli.md", "specprompt.lock", "CHANGELOG.md"])(
    "refuses the package's own %s when out is the package folder",
    (path) => {
      expect(guard().check(path)).toBe(
        `${path} is a source file of the package; generated code never overwrites it`,
      );
    },
  );

  it("refuses a package file spelt in another case, which is the same file on macOS and Windows", () => {
    expect(guard().check("Core.md")).toContain("is a source file of the package");
    expect(guard().check("SpecPrompt.lock")).toContain("is a source file of the package");
  });

  it("allows those names inside an out folder below the package, where they are not package files", () => {
    const check = guard({ outDir: join(pkgDir, "dist") }).check;
    expect(check("core.md")).toBeUndefined();
    expect(check("specprompt.lock")).toBeUndefined();
  });

  it("refuses a test file the package protects when out is a folder below the package", () => {
    const check = guard({
      outDir: join(pkgDir, "dist"),
      protectedPaths: [...PROTECTED, "dist/test/a.test.js"],
    }).check;
    expect(check("test/a.test.js")).toContain("is a source file of the package");
  });

  it("allows a plain owned path and normalises ./ and doubled slashes", () => {
    const check = guard({ owns: ["src/a.js"] }).check;
    expect(check("./src/a.js")).toBeUndefined();
    expect(check("src//a.js")).toBeUndefined();
    expect(check("src/a.js")).toBeUndefined();
  });

  it("allows any depth under a nested owned glob, dot files included", () => {
    const check = guard({ owns: ["src/**"] }).check;
    expect(check("src/a.js")).toBeUndefined();
    expect(check("src/deep/er/b.ts")).toBeUndefined();
    expect(check("src/.eslintrc.json")).toBeUndefined();
    expect(check("srcx/a.js")).toContain("outside this unit's owned paths");
  });

  it("refuses a write through a directory inside out that links outside it", async () => {
    await mkdir(join(root, "elsewhere"));
    await symlink(join(root, "elsewhere"), join(pkgDir, "src"), "dir");
    expect(guard().check("src/a.js")).toBe(
      "src is a symbolic link; writing through it could escape the output tree",
    );
  });

  it("refuses to overwrite a file that is a symbolic link", async () => {
    await mkdir(join(pkgDir, "src"));
    await writeFile(join(root, "secret.txt"), "x");
    await symlink(join(root, "secret.txt"), join(pkgDir, "src", "a.js"));
    expect(guard().check("src/a.js")).toBe(
      "src/a.js is a symbolic link; writing through it could escape the output tree",
    );
  });

  it("allows a path below folders that do not exist yet, and an existing regular file", async () => {
    await mkdir(join(pkgDir, "src"));
    await writeFile(join(pkgDir, "src", "a.js"), "old");
    expect(guard().check("src/a.js")).toBeUndefined();
    expect(guard().check("src/new/deeper/b.js")).toBeUndefined();
  });
});

describe("normalize", () => {
  it("drops empty and '.' segments", () => {
    expect(normalize("./a//./b/")).toBe("a/b");
  });
});
