import { readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { chainFiles, chainPackage } from "../support/chain-package.js";
import { makePackage, type PackageDef, readLockJson, removeTempRoots } from "../support/make-package.js";
import { startModelWriter } from "../support/model-writer.js";
import { parseJsonOutput, runCli } from "../support/run-cli.js";

afterAll(removeTempRoots);

interface StatusJson {
  package: { name: string; version: string };
  lock: { buildId: string };
  files: { path: string; state: string; unit?: string }[];
  stale: { unit: string; reasons: string[] }[];
  removedUnits: string[];
  lockOutdated: string[];
  counts: Record<string, number>;
  clean: boolean;
}

async function built(def: PackageDef = chainPackage(), files = chainFiles()) {
  const { env } = await startModelWriter({ files });
  const { dir } = await makePackage(def);
  const build = await runCli(["build"], { cwd: dir, env });
  expect(build.code, build.stderr).toBe(0);
  return { dir, env };
}

async function status(dir: string, ...args: string[]): Promise<StatusJson> {
  const result = await runCli(["status", "--json", ...args], { cwd: dir });
  expect(result.code, result.stderr).toBe(0);
  return parseJsonOutput<StatusJson>(result);
}

const PAST = new Date("2025-01-01T00:00:00Z");

/** Age every file and folder of the package except specprompt's own state. */
function ageTree(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === ".specprompt") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) ageTree(path);
    utimesSync(path, PAST, PAST);
  }
  utimesSync(dir, PAST, PAST);
}

const stateOf = (report: StatusJson) =>
  Object.fromEntries(report.files.map((file) => [file.path, file.state]));

/** Set mtimes in the past, as if the build happened long ago (outside the racy window). */
function age(dir: string, paths: string[]): void {
  for (const path of paths) utimesSync(join(dir, path), PAST, PAST);
}

describe("specprompt status", () => {
  test("a fresh build is clean: every generated file as built, nothing stale, exit 0", async () => {
    const { dir } = await built();

    const text = await runCli(["status"], { cwd: dir });
    const report = await status(dir);

    expect(text.code).toBe(0);
    expect(text.stdout).toBe("e2e-pkg@0.1.0: clean — 3 generated files as built, nothing stale\n");
    expect(report.clean).toBe(true);
    expect(report.lock.buildId).toBe(readLockJson(dir).build.id);
    expect(report.files).toEqual([
      { path: "src/a.js", unit: "a", state: "clean" },
      { path: "src/b.js", unit: "b", state: "clean" },
      { path: "src/c.js", unit: "c", state: "clean" },
    ]);
  });

  test("names hand-edited and deleted files with their unit, and still exits 0", async () => {
    const { dir } = await built();
    writeFileSync(join(dir, "src/b.js"), "export const b = () => 2; // by hand\n");
    rmSync(join(dir, "src/c.js"));

    const text = await runCli(["status"], { cwd: dir });
    const report = await status(dir);

    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/modified: +src\/b\.js +\(unit b\)/);
    expect(text.stdout).toMatch(/missing: +src\/c\.js +\(unit c\)/);
    expect(text.stdout).toContain("1 of 3 generated files clean");
    expect(stateOf(report)).toEqual({ "src/a.js": "clean", "src/b.js": "modified", "src/c.js": "missing" });
    expect(report.clean).toBe(false);
    expect(report.counts).toMatchObject({ clean: 1, modified: 1, missing: 1, untracked: 0 });
  });

  test("names stale units with the input that changed, including units that need them", async () => {
    const { dir } = await built();
    writeFileSync(
      join(dir, "units/b.md"),
      "Write `src/b.js` exporting `b()`, which returns a() + 1. Be brief.\n",
    );

    const report = await status(dir);

    expect(report.stale).toEqual([
      { unit: "b", reasons: ["unit prompt changed"] },
      { unit: "c", reasons: ["needs b, which regenerates"] },
    ]);
    expect(stateOf(report)).toEqual({ "src/a.js": "clean", "src/b.js": "clean", "src/c.js": "clean" });
    expect(report.clean).toBe(false);
  });

  test("lists files in owned paths that no build wrote as untracked, with the owning unit", async () => {
    const def = chainPackage();
    def.units.a!.owns = ["src/a*.js"];
    const { dir } = await built(def);
    writeFileSync(join(dir, "src/a-extra.js"), "// mine\n");
    writeFileSync(join(dir, "src/not-owned.js"), "// nobody's\n");

    const report = await status(dir);

    expect(report.files.find((file) => file.state === "untracked")).toEqual({
      path: "src/a-extra.js",
      unit: "a",
      state: "untracked",
    });
    expect(report.files.map((file) => file.path)).not.toContain("src/not-owned.js");
    expect(report.clean).toBe(true); // untracked files are not drift
  });

  test("still notices edits after the index has trusted a file's stat", async () => {
    const { dir } = await built();
    age(dir, ["src/a.js", "src/b.js", "src/c.js"]);
    expect((await status(dir)).clean).toBe(true); // records the aged stats as trusted
    expect((await status(dir)).clean).toBe(true); // answered from the index

    writeFileSync(join(dir, "src/a.js"), "export const a = () => 7;\n"); // same size, new mtime
    writeFileSync(
      join(dir, "src/b-new.js"),
      'import { a } from "./a.js";\n\nexport const b = () => a() + 2;\n',
    );
    age(dir, ["src/b-new.js"]);
    renameSync(join(dir, "src/b-new.js"), join(dir, "src/b.js")); // same size and mtime, new inode

    expect(stateOf(await status(dir))).toEqual({
      "src/a.js": "modified",
      "src/b.js": "modified",
      "src/c.js": "clean",
    });
    writeFileSync(join(dir, "src/a.js"), chainFiles().a!["src/a.js"]!);
    expect(stateOf(await status(dir))["src/a.js"]).toBe("clean");
  });

  test("answers from its index without reading the lock while nothing moved, and notices when something does", async () => {
    const { dir } = await built();
    ageTree(dir);
    expect((await status(dir)).clean).toBe(true); // the full status, which writes the index
    const lockPath = join(dir, "specprompt.lock");
    const text = readFileSync(lockPath, "utf8");
    writeFileSync(lockPath, "x".repeat(text.length)); // same size, same inode
    utimesSync(lockPath, PAST, PAST); // same mtime: only the content differs

    const fromIndex = await runCli(["status"], { cwd: dir });
    utimesSync(lockPath, new Date(), new Date());
    const afterTouch = await runCli(["status"], { cwd: dir });

    expect(fromIndex.code, fromIndex.stderr).toBe(0);
    expect(fromIndex.stdout).toContain("clean");
    expect(afterTouch.code).toBe(2);
    expect(afterTouch.stderr).toContain("specprompt.lock is not valid JSON");
  });

  test("takes --set like build: a changed param makes the units that use it stale", async () => {
    const { dir } = await built();

    const report = await status(dir, "--set", "license=Apache-2.0");

    expect(report.stale.map((unit) => unit.unit)).toEqual(["a", "b", "c"]);
    expect(report.stale[0]?.reasons).toContain("guide changed");
    expect(report.lockOutdated).toEqual(["params changed since the lock: license"]);
    expect((await status(dir)).clean).toBe(true);
  });
});

describe("specprompt status on bad input", () => {
  test("a package never built is a one-line error with what to do, exit 2", async () => {
    const { dir } = await makePackage(chainPackage());

    const result = await runCli(["status"], { cwd: dir });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^specprompt status: e2e-pkg has never been built: there is no specprompt\.lock/,
    );
    expect(result.stderr).toContain("hint: run specprompt build first");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  test("a lock that does not parse, or belongs to another package, is bad input (exit 2)", async () => {
    const { dir } = await built();
    const lock = readLockJson(dir);
    writeFileSync(join(dir, "specprompt.lock"), JSON.stringify({ ...lock, name: "other-pkg" }, null, 2));

    const foreign = await runCli(["status", "--json"], { cwd: dir });
    writeFileSync(join(dir, "specprompt.lock"), '{ "lockfileVersion": 1,\n<<<<<<< HEAD\n');
    const broken = await runCli(["status"], { cwd: dir });

    expect(foreign.code).toBe(2);
    expect(parseJsonOutput<{ error: { code: string; message: string } }>(foreign).error).toMatchObject({
      code: "E_LOCK",
      message: "specprompt.lock is the lock of package 'other-pkg', but specprompt.yaml names 'e2e-pkg'",
    });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/specprompt\.lock is not valid JSON/);
    expect(broken.stderr).not.toMatch(/\n\s+at /);
  });

  test("a lock naming a file outside the output tree is refused, exit 2", async () => {
    const { dir } = await built();
    const lock = readLockJson(dir);
    lock.units.a!.outputs = { "../outside.js": lock.units.a!.outputs["src/a.js"]! };
    writeFileSync(join(dir, "specprompt.lock"), JSON.stringify(lock, null, 2));

    const result = await runCli(["status"], { cwd: dir });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("records an output of unit a outside the output tree: ../outside.js");
  });
});
