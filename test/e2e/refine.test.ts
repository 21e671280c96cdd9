import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { parse, stringify } from "yaml";
import { chainFiles, chainPackage } from "../support/chain-package.js";
import { closedBaseURL } from "../support/closed-port.js";
import {
  createTempRoot,
  makePackage,
  type PackageDef,
  readLockJson,
  removeTempRoots,
  snapshotTree,
} from "../support/make-package.js";
import { parseJsonOutput, runCli } from "../support/run-cli.js";
import { startRefiningModel } from "./refine-support.js";

afterAll(removeTempRoots);

/** The chain package's test, printing `noiseLines` lines of log before it checks. */
function noisyChainTest(noiseLines: number): string {
  return `import assert from "node:assert/strict";
import { test } from "node:test";
import { c } from "../src/c.js";

test("AC-1: c counts to three through a and b", () => {
  for (let i = 0; i < ${noiseLines}; i++) console.log("debug: step " + i + " of the counting machinery, all fine so far");
  assert.equal(c(), 3);
});
`;
}

const WRONG_C = 'import { b } from "./b.js";\n\nexport const c = () => b() + 2;\n';

interface LockWithIterations {
  build: {
    validation?: { passed: boolean; tests?: { passed: number; failed: number } };
    durationMs?: number;
  };
  units: Record<string, { iterations: number; requests: string[]; validation?: { passed: boolean } }>;
}

function lockOf(dir: string): LockWithIterations {
  return readLockJson(dir) as unknown as LockWithIterations;
}

describe("validate, refine, regenerate", () => {
  test("a model that fixes its code when shown the failure passes in two iterations, and the lock says so", async () => {
    const right = chainFiles();
    const model = await startRefiningModel({ ...right, c: { "src/c.js": WRONG_C } }, { c: [right.c!] });
    const { dir } = await makePackage(
      chainPackage({ tests: { "test/chain.test.js": noisyChainTest(2000) } }),
    );

    const result = await runCli(["build"], { cwd: dir, env: model.env });

    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(join(dir, "src/c.js"), "utf8")).toBe(right.c!["src/c.js"]);
    const lock = lockOf(dir);
    expect(lock.units.c?.iterations).toBe(2);
    expect(lock.units.a?.iterations).toBe(1);
    expect(lock.units.b?.iterations).toBe(1);
    expect(lock.units.c?.requests).toHaveLength(4);
    expect(lock.build.validation).toMatchObject({ passed: true, tests: { passed: 1, failed: 0 } });
    expect(lock.build.durationMs).toBeGreaterThan(0);
    // Only c was sent back: the failing test imports src/c.js.
    expect(model.asks.map((ask) => [ask.unit, ask.refinement !== undefined])).toEqual([
      ["a", false],
      ["b", false],
      ["c", false],
      ["c", true],
    ]);
    const refinement = model.asks[3]!.refinement!;
    expect(refinement).toContain("AC-1: c counts to three through a and b");
    expect(refinement).toContain("4 !== 3");
    expect(refinement).toContain(WRONG_C);
    expect(refinement).not.toContain("debug: step");
    expect(refinement.length).toBeLessThan(4000);
    expect(result.stdout).toMatch(/^\s+c\s+1 file, .*2 iterations/m);
    expect(result.stdout).toMatch(/validation: node --test passed in .* \(1 test\) after 2 iterations/);

    const again = await runCli(["build"], { cwd: dir, env: model.env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/is up to date/);
    expect(model.asks).toHaveLength(4);
  });

  test("when the unit the failures point to changes nothing, the rest of the build gets the report", async () => {
    const right = chainFiles();
    const wrongB = 'import { a } from "./a.js";\n\nexport const b = () => a() + 2;\n';
    const model = await startRefiningModel({ ...right, b: { "src/b.js": wrongB } }, { b: [right.b!] });
    const { dir } = await makePackage(chainPackage());

    const result = await runCli(["build"], { cwd: dir, env: model.env });

    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(join(dir, "src/b.js"), "utf8")).toBe(right.b!["src/b.js"]);
    // The test imports c: c is asked first, keeps its file, then a and b are asked.
    expect(model.asks.filter((ask) => ask.refinement).map((ask) => ask.unit)).toEqual(["c", "a", "b"]);
    const toB = model.asks.find((ask) => ask.unit === "b" && ask.refinement)!.refinement!;
    expect(toB).toContain("### src/c.js (unit c)");
    expect(toB).toContain("### src/b.js (unit b, yours)");
    expect(result.stderr).toMatch(/refining c \(2\/3\)\n.*\nrefining a, b \(2\/3\)/);
    expect(lockOf(dir).units.b?.iterations).toBe(2);
  });

  test("offline, a refined build replays byte-identically with no request, with or without its lock", async () => {
    const right = chainFiles();
    const model = await startRefiningModel({ ...right, c: { "src/c.js": WRONG_C } }, { c: [right.c!] });
    const { dir } = await makePackage(chainPackage({ tests: { "test/chain.test.js": noisyChainTest(10) } }));
    expect((await runCli(["build"], { cwd: dir, env: model.env })).code).toBe(0);
    const original = snapshotTree(dir);
    const offlineEnv = { OPENAI_BASE_URL: await closedBaseURL(), OPENAI_API_KEY: "unused" };
    const copy = async (removeLock: boolean) => {
      const target = join(await createTempRoot(), "clone");
      cpSync(dir, target, { recursive: true });
      rmSync(join(target, ".specprompt", "tmp"), { recursive: true, force: true });
      rmSync(join(target, ".specprompt", "local"), { recursive: true, force: true });
      for (const file of ["src/a.js", "src/b.js", "src/c.js"]) rmSync(join(target, file));
      if (removeLock) rmSync(join(target, "specprompt.lock"));
      return target;
    };

    // With the lock: each unit is restored from the responses its entry names, refinement included.
    const restored = await copy(false);
    const replay = await runCli(["build", "--offline"], { cwd: restored, env: offlineEnv });
    expect(replay.code, replay.stderr).toBe(0);
    expect(snapshotTree(restored)).toEqual(original);

    // Without it: the loop runs again, and the failure report it sends is the one in the cache.
    const rebuilt = await copy(true);
    const rerun = await runCli(["build", "--offline"], { cwd: rebuilt, env: offlineEnv });
    expect(rerun.code, rerun.stderr).toBe(0);
    const { "specprompt.lock": _lock, ...files } = original;
    const { "specprompt.lock": _rebuiltLock, ...rebuiltFiles } = snapshotTree(rebuilt);
    expect(rebuiltFiles).toEqual(files);
    expect(lockOf(rebuilt).units.c).toMatchObject({
      iterations: 2,
      requests: lockOf(dir).units.c!.requests,
    });
    expect(model.asks).toHaveLength(4);
  });

  test("a model that never fixes it fails after the bound, leaves output and lock as they were, and keeps the attempt", async () => {
    const right = chainFiles();
    const attempt = (n: number) => ({ "src/c.js": `// attempt ${n}\n${WRONG_C}` });
    const model = await startRefiningModel(right, { c: [attempt(2), attempt(3)] });
    const { dir } = await makePackage(chainPackage());
    expect((await runCli(["build"], { cwd: dir, env: model.env })).code).toBe(0);
    writeFileSync(
      join(dir, "units/c.md"),
      "Write `src/c.js` exporting `c()`, which returns b() + 1, again.\n",
    );
    const before = snapshotTree(dir);
    // From here on the model gets c wrong every time, differently.
    right.c!["src/c.js"] = attempt(1)["src/c.js"];

    const result = await runCli(["build"], { cwd: dir, env: model.env });

    expect(result.code).toBe(1);
    expect(snapshotTree(dir)).toEqual(before);
    expect(model.asks.filter((ask) => ask.unit === "c").map((ask) => ask.refinement !== undefined)).toEqual([
      false,
      false,
      true,
      true,
    ]);
    expect(result.stderr).toContain("c counts to three through a and b");
    expect(result.stderr).toContain("4 !== 3");
    expect(result.stderr).toMatch(
      /still fails after 3 of 3 iterations; the previous output and lock are untouched/,
    );
    const failedRoot = join(dir, ".specprompt", "failed");
    const [buildId, ...others] = readdirSync(failedRoot);
    expect(others).toEqual([]);
    expect(result.stderr).toContain(`.specprompt/failed/${buildId}/`);
    const kept = join(failedRoot, buildId!);
    expect(readFileSync(join(kept, "files/src/c.js"), "utf8")).toBe(attempt(3)["src/c.js"]);
    expect(readFileSync(join(kept, "failures.md"), "utf8")).toContain("c counts to three through a and b");
    // The whole log, in whichever reporter this Node uses (TAP on 20, spec on 24).
    expect(readFileSync(join(kept, "validation.log"), "utf8")).toMatch(
      /(not ok|✖) .*c counts to three through a and b/,
    );
    expect(JSON.parse(readFileSync(join(kept, "summary.json"), "utf8"))).toMatchObject({
      iterations: 3,
      units: { c: { iterations: 3 } },
    });
  });

  test("a huge test log is reduced to its failures, and kept whole for inspection", async () => {
    const right = chainFiles();
    const model = await startRefiningModel(
      { ...right, c: { "src/c.js": WRONG_C } },
      { c: [{ "src/c.js": `// still\n${WRONG_C}` }] },
    );
    const { dir } = await makePackage(
      chainPackage({ tests: { "test/chain.test.js": noisyChainTest(6000) } }),
    );

    const result = await runCli(["build", "--max-iterations", "2", "--json"], { cwd: dir, env: model.env });

    expect(result.code).toBe(1);
    const json = parseJsonOutput<{ validation: { report: string }; failure: { failedDir: string } }>(result);
    const refinement = model.asks.find((ask) => ask.refinement)!.refinement!;
    expect(refinement).toContain("4 !== 3");
    expect(refinement).not.toContain("debug: step");
    expect(refinement.length).toBeLessThan(4000);
    expect(json.validation.report.length).toBeLessThan(1000);
    const log = readFileSync(join(dir, json.failure.failedDir, "validation.log"), "utf8");
    expect(log.length).toBeGreaterThan(200_000);
    expect(log).toContain("debug: step 5999");
  });

  test("a validation that hangs is killed at the timeout with everything it started", async () => {
    const root = await createTempRoot();
    const pids = join(root, "pids");
    const def: PackageDef = {
      units: { a: { prompt: "Write `src/a.js`.\n", owns: ["src/a.js"] } },
      tests: { "test/a.test.js": "// run by hang.mjs\n" },
      command: "node hang.mjs",
    };
    const manifest = parse((await import("../support/make-package.js")).manifestText(def));
    manifest.validation.timeout = "1s";
    const hang = `import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
const child = spawn("sleep", ["300"], { stdio: "ignore" });
writeFileSync(${JSON.stringify(pids)}, process.pid + " " + child.pid);
setInterval(() => {}, 1000);
`;
    const { dir } = await makePackage({
      ...def,
      files: { "specprompt.yaml": stringify(manifest), "hang.mjs": hang },
    });
    const model = await startRefiningModel({ a: { "src/a.js": "export const a = 1;\n" } });

    const started = Date.now();
    const result = await runCli(["build", "--max-iterations", "1"], { cwd: dir, env: model.env });

    expect(result.code, result.stderr).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.stderr).toContain("did not finish within 1s and was stopped");
    const [parent, child] = readFileSync(pids, "utf8").split(" ").map(Number);
    for (const pid of [parent!, child!]) expect(isRunning(pid), `process ${pid} still runs`).toBe(false);
    expect(existsSync(join(dir, "src/a.js"))).toBe(false);
  });
});

/** Whether a process exists and is not a zombie. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}
