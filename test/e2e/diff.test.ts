import { cpSync, existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { chainFiles, chainPackage } from "../support/chain-package.js";
import { createTempRoot, makePackage, readLockJson, removeTempRoots } from "../support/make-package.js";
import { startModelWriter } from "../support/model-writer.js";
import { parseJsonOutput, runCli } from "../support/run-cli.js";

afterAll(removeTempRoots);

interface DiffJson {
  files: {
    path: string;
    unit: string;
    state: string;
    buildId: string;
    source?: string;
    hunks: { oldStart: number; oldLines: number; newStart: number; newLines: number; lines: string[] }[];
    patch: string;
    error?: string;
  }[];
}

async function builtChain(): Promise<string> {
  const { env } = await startModelWriter({ files: chainFiles() });
  const { dir } = await makePackage(chainPackage());
  const build = await runCli(["build"], { cwd: dir, env });
  expect(build.code, build.stderr).toBe(0);
  return dir;
}

const EDITED_B = 'import { a } from "./a.js";\n\n// doubled by hand\nexport const b = () => a() * 2;\n';

/** A copy of the package as a fresh clone has it: committed files only, no machine-local state. */
function cloneOf(dir: string, without: string[] = []): Promise<string> {
  return createTempRoot().then((root) => {
    const copy = join(root, "clone");
    cpSync(dir, copy, { recursive: true });
    for (const path of [".specprompt/local", ".specprompt/tmp", ".specprompt/staging", ...without])
      rmSync(join(copy, path), { recursive: true, force: true });
    return copy;
  });
}

describe("specprompt diff", () => {
  test("shows a hand edit as a unified diff against what the build wrote", async () => {
    const dir = await builtChain();
    writeFileSync(join(dir, "src/b.js"), EDITED_B);

    const result = await runCli(["diff"], { cwd: dir });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      [
        "--- a/src/b.js",
        "+++ b/src/b.js",
        "@@ -1,3 +1,4 @@",
        ' import { a } from "./a.js";',
        " ",
        "-export const b = () => a() + 1;",
        "+// doubled by hand",
        "+export const b = () => a() * 2;",
        "",
      ].join("\n"),
    );
    expect(result.stdout).not.toContain("\x1b["); // not a terminal: no colour
  });

  test("shows a deleted file as removed, and narrows to the paths given", async () => {
    const dir = await builtChain();
    writeFileSync(join(dir, "src/b.js"), EDITED_B);
    rmSync(join(dir, "src/c.js"));

    const onlyC = await runCli(["diff", "src/c.js", "--json"], { cwd: dir });
    const all = parseJsonOutput<DiffJson>(await runCli(["diff", "--json"], { cwd: dir }));

    expect(onlyC.code, onlyC.stderr).toBe(0);
    const [c] = parseJsonOutput<DiffJson>(onlyC).files;
    expect(parseJsonOutput<DiffJson>(onlyC).files).toHaveLength(1);
    expect(c).toMatchObject({ path: "src/c.js", unit: "c", state: "missing", source: "objects" });
    expect(c!.patch.split("\n").slice(0, 2)).toEqual(["--- a/src/c.js", "+++ /dev/null"]);
    expect(c!.patch.split("\n")[2]).toBe("@@ -1,3 +0,0 @@");
    expect(c!.hunks.map((hunk) => hunk.lines)).toEqual([
      ['-import { b } from "./b.js";', "-", "-export const c = () => b() + 1;"],
    ]);
    expect(all.files.map((file) => [file.path, file.state, file.buildId])).toEqual([
      ["src/b.js", "modified", readLockJson(dir).units.b!.buildId],
      ["src/c.js", "missing", readLockJson(dir).units.c!.buildId],
    ]);
  });

  test("keeps what the build wrote in .specprompt/objects, so a fresh clone can diff without the cache", async () => {
    const dir = await builtChain();
    const objects = join(dir, ".specprompt/objects");
    const stored = readdirSync(objects).flatMap((sub) => readdirSync(join(objects, sub)));
    const clone = await cloneOf(dir, [".specprompt/cache"]);
    writeFileSync(join(clone, "src/b.js"), EDITED_B);

    const result = await runCli(["diff", "--json"], { cwd: clone });

    expect(stored.sort()).toEqual(
      Object.values(readLockJson(dir).units)
        .flatMap((unit) => Object.values(unit.outputs))
        .sort(),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(parseJsonOutput<DiffJson>(result).files[0]).toMatchObject({ path: "src/b.js", source: "objects" });
  });

  test("replays the cached responses when the objects are not there (a lock from before the store)", async () => {
    const dir = await builtChain();
    const clone = await cloneOf(dir, [".specprompt/objects"]);
    writeFileSync(join(clone, "src/b.js"), EDITED_B);

    const result = await runCli(["diff", "--json"], { cwd: clone });

    expect(result.code, result.stderr).toBe(0);
    const [b] = parseJsonOutput<DiffJson>(result).files;
    expect(b).toMatchObject({ path: "src/b.js", source: "cache" });
    expect(b!.hunks[0]!.lines).toContain("-export const b = () => a() + 1;");
  });

  test("says what to do when neither the objects nor the cache have what the build wrote (exit 2)", async () => {
    const dir = await builtChain();
    const clone = await cloneOf(dir, [".specprompt/objects", ".specprompt/cache"]);
    writeFileSync(join(clone, "src/b.js"), EDITED_B);

    const result = await runCli(["diff"], { cwd: clone });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("src/b.js (unit b): what build");
    expect(result.stderr).toContain("hint: commit .specprompt/objects with the lock");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  test("prints nothing on stdout when there are no hand edits, and refuses paths outside the package", async () => {
    const dir = await builtChain();

    const clean = await runCli(["diff"], { cwd: dir });
    const outside = await runCli(["diff", "../elsewhere.js"], { cwd: dir });
    const notGenerated = await runCli(["diff", "test/chain.test.js"], { cwd: dir });

    expect(clean.code).toBe(0);
    expect(clean.stdout).toBe("");
    expect(clean.stderr).toContain("no hand edits");
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain("../elsewhere.js is outside the package's output tree");
    expect(notGenerated.code).toBe(2);
    expect(notGenerated.stderr).toContain("test/chain.test.js is not a file a build of e2e-pkg wrote");
  });

  test("a failed build stores no objects", async () => {
    const { env } = await startModelWriter({
      files: { ...chainFiles(), c: { "src/c.js": "export const c = () => 4;\n" } },
    });
    const { dir } = await makePackage(chainPackage());

    const build = await runCli(["build"], { cwd: dir, env });

    expect(build.code).toBe(1);
    expect(existsSync(join(dir, ".specprompt/objects"))).toBe(false);
  });
});
