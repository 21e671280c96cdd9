import { cpSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CHAIN_TEST, chainFiles, chainPackage } from "../support/chain-package.js";
import {
  createTempRoot,
  makePackage,
  manifestText,
  type PackageDef,
  removeTempRoots,
} from "../support/make-package.js";
import { startModelWriter } from "../support/model-writer.js";
import { CLI_PATH, type CliResult, runCli } from "../support/run-cli.js";

// bin/specprompt.js answers `status [dir] [--json]` from the status index with a CommonJS bundle
// (dist/fast/status.cjs) before the CLI loads. FAST_ONLY is a copy of bin/ and dist/fast/ without
// the CLI: it can only answer through that path, and fails to load the CLI whenever it falls back.
let FAST_ONLY: string;
beforeAll(async () => {
  const root = await createTempRoot();
  const repo = join(CLI_PATH, "..", "..");
  cpSync(join(repo, "bin"), join(root, "bin"), { recursive: true });
  cpSync(join(repo, "dist", "fast"), join(root, "dist", "fast"), { recursive: true });
  FAST_ONLY = join(root, "bin", "specprompt.js");
});
afterAll(removeTempRoots);

const PAST = new Date("2025-01-01T00:00:00Z");

/** Age every file and folder of the package except specprompt's state: out of the racy window. */
function ageTree(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === ".specprompt") continue;
    if (entry.isDirectory()) ageTree(join(dir, entry.name));
    utimesSync(join(dir, entry.name), PAST, PAST);
  }
  utimesSync(dir, PAST, PAST);
}

/**
 * The chain package with its output under app/, a glob among unit a's owned paths (so untracked
 * files can appear), a hand-written file, and a context glob that matches nothing (a warning).
 */
function appPackage(): PackageDef {
  const def = chainPackage({
    tests: { "app/test/chain.test.js": CHAIN_TEST },
    files: { "app/src/config.js": "export const start = 0;\n" },
    manifest: {
      out: "app",
      context: ["docs/**"],
      handwritten: ["src/config.js"],
      validation: { tests: ["test/**"], command: "node --test" },
    },
  });
  def.units.a!.owns = ["src/a*.js"];
  return def;
}

async function built(def: PackageDef): Promise<{ root: string; dir: string }> {
  const { env } = await startModelWriter({ files: chainFiles() });
  const made = await makePackage(def);
  const build = await runCli(["build"], { cwd: made.dir, env });
  expect(build.code, build.stderr).toBe(0);
  return made;
}

/** The full command's answer: without an index, nothing short of loading the package answers. */
function fullStatus(dir: string, args: string[], cwd: string): Promise<CliResult> {
  rmSync(join(dir, ".specprompt/local/status.index"), { force: true });
  return runCli(["status", ...args], { cwd });
}

describe("status answered from the index before the CLI loads", () => {
  test("prints exactly what the full command prints, text and --json, in every state", async () => {
    const { root, dir } = await built(appPackage());
    // Each state adds to the last; `shows` is what its text report must then say.
    const states: [string, () => void, RegExp][] = [
      ["a fresh build", () => {}, /clean — 3 generated files as built, nothing stale, 1 hand-written/],
      [
        "hand edits",
        () => {
          writeFileSync(join(dir, "app/src/b.js"), "export const b = () => 2; // by hand\n");
          rmSync(join(dir, "app/src/c.js"));
        },
        /missing: +(pkg\/)?app\/src\/c\.js/,
      ],
      [
        "an untracked file",
        () => writeFileSync(join(dir, "app/src/a-extra.js"), "// mine\n"),
        /app\/src\/a-extra\.js +owned by a/,
      ],
      [
        "a stale unit",
        () => writeFileSync(join(dir, "units/b.md"), "Write `src/b.js`; b() returns 2.\n"),
        /b +unit prompt changed/,
      ],
      [
        "a version not built yet",
        () =>
          writeFileSync(
            join(dir, "specprompt.yaml"),
            manifestText(appPackage()).replace("version: 0.1.0", "version: 0.2.0"),
          ),
        /version 0\.2\.0 is not built yet/,
      ],
    ];
    for (const [state, change, shows] of states) {
      change();
      ageTree(dir);
      // From the package folder, and from above it with the folder named (paths shown differ).
      for (const [cwd, at] of [
        [dir, []],
        [root, ["pkg"]],
      ] as const) {
        for (const args of [[...at], [...at, "--json"]]) {
          const full = await fullStatus(dir, args, cwd);
          const fast = await runCli(["status", ...args], { cwd, cliPath: FAST_ONLY });

          expect(full.code, `${state}: ${full.stderr}`).toBe(0);
          expect(full.stdout + full.stderr).toMatch(/'docs\/\*\*' matches no files/); // the warning
          if (!args.includes("--json")) expect(full.stdout, state).toMatch(shows);
          expect(fast, `${state}, status ${args.join(" ")}`).toEqual(full);
        }
      }
    }
  });

  test("notices hand edits and deleted files by their stat, without loading the CLI", async () => {
    const { dir } = await built(chainPackage()); // every owned path named: no folder is listed
    ageTree(dir);
    await fullStatus(dir, [], dir); // writes the index
    writeFileSync(join(dir, "src/b.js"), "export const b = () => 2; // by hand\n");
    rmSync(join(dir, "src/c.js"));

    const fast = await runCli(["status"], { cwd: dir, cliPath: FAST_ONLY });
    const full = await fullStatus(dir, [], dir);

    expect(fast.stdout).toMatch(/modified: +src\/b\.js +\(unit b\)/);
    expect(fast.stdout).toMatch(/missing: +src\/c\.js +\(unit c\)/);
    expect(fast).toEqual(full);
  });

  test("leaves anything the index cannot answer to the CLI, which reports it", async () => {
    const { dir } = await built(appPackage());
    ageTree(dir);
    const fellBack = (result: CliResult) =>
      result.code !== 0 && /dist[\\/]cli[\\/]cli\.js/.test(result.stderr);
    const changes: [string, () => void, RegExp][] = [
      [
        "a new file in an owned folder",
        () => writeFileSync(join(dir, "app/src/a-new.js"), "//\n"),
        /a-new\.js/,
      ],
      [
        "a changed unit prompt",
        () => writeFileSync(join(dir, "units/c.md"), "Write `src/c.js`.\n"),
        /c +unit prompt changed/,
      ],
      [
        "the first file of a context glob whose folder did not exist",
        () => {
          mkdirSync(join(dir, "docs"));
          writeFileSync(join(dir, "docs/api.md"), "# API\n");
        },
        /context docs\/api\.md added/,
      ],
    ];
    for (const [what, change, report] of changes) {
      await fullStatus(dir, [], dir);
      expect((await runCli(["status"], { cwd: dir, cliPath: FAST_ONLY })).code, what).toBe(0);
      change();

      const fast = await runCli(["status"], { cwd: dir, cliPath: FAST_ONLY });
      const full = await runCli(["status"], { cwd: dir });

      expect(fellBack(fast), `${what}: ${fast.stdout}${fast.stderr}`).toBe(true);
      expect(full.code).toBe(0);
      expect(full.stdout, what).toMatch(report);
      ageTree(dir);
    }
    for (const args of [["--set", "license=ISC"], ["--model", "openai:other"], ["--help"], [".", "."]]) {
      expect(
        fellBack(await runCli(["status", ...args], { cwd: dir, cliPath: FAST_ONLY })),
        args.join(" "),
      ).toBe(true);
    }
  });
});
