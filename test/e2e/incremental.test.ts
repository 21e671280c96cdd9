import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { chainFiles, chainPackage } from "../support/chain-package.js";
import type { FakeModelServer } from "../support/fake-model-server.mjs";
import {
  type LockJson,
  makePackage,
  manifestText,
  type PackageDef,
  readLockJson,
  removeTempRoots,
} from "../support/make-package.js";
import { type ModelWriter, startModelWriter } from "../support/model-writer.js";
import { parseJsonOutput, runCli } from "../support/run-cli.js";

afterAll(removeTempRoots);

interface PlanJson {
  units: Array<{ unit: string; action: string; reasons: string[] }>;
}

interface Built {
  dir: string;
  server: FakeModelServer;
  writer: ModelWriter;
  env: Record<string, string>;
  files: ReturnType<typeof chainFiles>;
  lock: LockJson;
}

/** The chain package, built once; the writer's record is cleared so tests count the next build only. */
async function buildChain(def: PackageDef = chainPackage()): Promise<Built> {
  const files = chainFiles();
  const { server, writer, env } = await startModelWriter({ files });
  const { dir } = await makePackage(def);
  const first = await runCli(["build"], { cwd: dir, env });
  expect(first.code, first.stderr).toBe(0);
  writer.asked.length = 0;
  server.requests.length = 0;
  return { dir, server, writer, env, files, lock: readLockJson(dir) };
}

async function plan(built: Built, ...args: string[]): Promise<PlanJson["units"]> {
  const result = await runCli(["plan", "--json", ...args], { cwd: built.dir, env: built.env });
  expect(result.code, result.stderr).toBe(0);
  return parseJsonOutput<PlanJson>(result).units.filter((unit) => unit.action !== "keep");
}

function edit(dir: string, path: string, change: (text: string) => string): void {
  const full = join(dir, path);
  writeFileSync(full, change(readFileSync(full, "utf8")));
}

describe("incremental builds", () => {
  test("editing one unit's prompt regenerates that unit only", async () => {
    const built = await buildChain();
    edit(built.dir, "units/c.md", (text) => `${text}Add a JSDoc comment.\n`);

    const stale = await plan(built);
    const result = await runCli(["build"], { cwd: built.dir, env: built.env });

    expect(stale.map((unit) => unit.unit)).toEqual(["c"]);
    expect(stale[0]?.reasons).toContain("unit prompt changed");
    expect(result.code, result.stderr).toBe(0);
    expect(built.writer.asked).toEqual(["c"]);
    expect(built.server.requests).toHaveLength(2);
    const lock = readLockJson(built.dir);
    expect(lock.units.a?.buildId).toBe(built.lock.units.a?.buildId);
    expect(lock.units.b?.buildId).toBe(built.lock.units.b?.buildId);
    expect(lock.units.c?.buildId).not.toBe(built.lock.units.c?.buildId);
  });

  test("a regenerated unit whose output is byte-identical does not regenerate the units that need it", async () => {
    const built = await buildChain();
    edit(built.dir, "units/b.md", (text) => `${text}Keep it short.\n`);

    const stale = await plan(built);
    const result = await runCli(["build"], { cwd: built.dir, env: built.env });

    expect(stale[0]).toMatchObject({ unit: "b", action: "generate" });
    expect(stale[0]?.reasons).toContain("unit prompt changed");
    expect(result.code, result.stderr).toBe(0);
    expect(built.writer.asked).toEqual(["b"]);
    expect(built.server.requests).toHaveLength(2);
    const lock = readLockJson(built.dir);
    expect(lock.units.c).toEqual(built.lock.units.c);
    expect(lock.units.b?.outputs).toEqual(built.lock.units.b?.outputs);
  });

  test("a regenerated unit whose output changes regenerates the units that need it", async () => {
    const built = await buildChain();
    edit(built.dir, "units/b.md", (text) => `${text}Start with a comment.\n`);
    built.files.b!["src/b.js"] = `// b adds one to a\n${built.files.b!["src/b.js"]}`;

    const result = await runCli(["build"], { cwd: built.dir, env: built.env });

    expect(result.code, result.stderr).toBe(0);
    expect(built.writer.asked).toEqual(["b", "c"]);
    expect(readFileSync(join(built.dir, "src/b.js"), "utf8")).toMatch(/^\/\/ b adds one to a/);
    expect(readLockJson(built.dir).units.a).toEqual(built.lock.units.a);
  });

  test("editing core.md regenerates every unit", async () => {
    const built = await buildChain();
    edit(built.dir, "core.md", (text) => `${text}\nBe precise.\n`);

    const stale = await plan(built);
    const result = await runCli(["build"], { cwd: built.dir, env: built.env });

    expect(stale.map((unit) => unit.unit)).toEqual(["a", "b", "c"]);
    for (const unit of stale) expect(unit.reasons).toContain("core changed");
    expect(result.code, result.stderr).toBe(0);
    expect(built.writer.asked).toEqual(["a", "b", "c"]);
    expect(built.server.requests).toHaveLength(6);
  });

  test("changing a --set param that the guide uses regenerates every unit", async () => {
    const built = await buildChain();

    const stale = await plan(built, "--set", "license=Apache-2.0");
    const result = await runCli(["build", "--set", "license=Apache-2.0"], {
      cwd: built.dir,
      env: built.env,
    });

    expect(stale.map((unit) => unit.unit)).toEqual(["a", "b", "c"]);
    for (const unit of stale) expect(unit.reasons).toContain("guide changed");
    expect(result.code, result.stderr).toBe(0);
    expect(built.writer.asked).toEqual(["a", "b", "c"]);
    expect(JSON.stringify(built.server.requests[0]?.body)).toContain("License: Apache-2.0.");
    expect(readLockJson(built.dir).params.license).toBe("Apache-2.0");
  });

  test("changing modelParams.temperature regenerates every unit", async () => {
    const built = await buildChain();
    writeFileSync(
      join(built.dir, "specprompt.yaml"),
      manifestText(chainPackage({ modelParams: { temperature: 0.5 } })),
    );

    const stale = await plan(built);
    const result = await runCli(["build"], { cwd: built.dir, env: built.env });

    expect(stale.map((unit) => unit.unit)).toEqual(["a", "b", "c"]);
    for (const unit of stale) expect(unit.reasons).toContain("model parameters changed");
    expect(result.code, result.stderr).toBe(0);
    expect(built.writer.asked).toEqual(["a", "b", "c"]);
    expect(built.server.requests[0]?.body.temperature).toBe(0.5);
  });
});
