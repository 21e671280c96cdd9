import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { chainFiles, chainPackage } from "../support/chain-package.js";
import {
  makePackage,
  manifestText,
  type PackageDef,
  readLockJson,
  removeTempRoots,
} from "../support/make-package.js";
import { requestUnit, startModelWriter, userText } from "../support/model-writer.js";
import { parseJsonOutput, runCli } from "../support/run-cli.js";

afterAll(removeTempRoots);

interface StatusJson {
  files: { path: string; state: string; unit?: string }[];
  stale: { unit: string; reasons: string[] }[];
}

const CONFIG = "export const start = 0;\n";

/** The chain package with src/config.js hand-owned, inside unit a's owned paths. */
function handOwned(): PackageDef {
  const def = chainPackage({
    manifest: { handwritten: ["src/config.js"] },
    files: { "src/config.js": CONFIG },
  });
  def.units.a!.owns = ["src/a.js", "src/config.js"];
  return def;
}

describe("handwritten: files", () => {
  test("are read by the model, never written by it, and shown by status as hand-written", async () => {
    const { server, env } = await startModelWriter({
      files: chainFiles(),
      extraCalls: { a: [{ path: "src/config.js", content: "export const start = 99;\n" }] },
    });
    const { dir } = await makePackage(handOwned());

    const build = await runCli(["build", "--json"], { cwd: dir, env });
    const status = parseJsonOutput<StatusJson>(await runCli(["status", "--json"], { cwd: dir }));

    expect(build.code, build.stderr).toBe(0);
    const unitA = parseJsonOutput<{ units: { unit: string; refused: string[] }[] }>(build).units.find(
      (unit) => unit.unit === "a",
    );
    expect(unitA?.refused).toEqual([
      "src/config.js is hand-written (handwritten: in the manifest); it is never generated",
    ]);
    expect(readFileSync(join(dir, "src/config.js"), "utf8")).toBe(CONFIG);
    const prompt = userText(server.requests.find((request) => requestUnit(request) === "c")!);
    expect(prompt).toContain("## Hand-written files (read-only)");
    expect(prompt).toContain(CONFIG);
    expect(status.files.find((file) => file.path === "src/config.js")).toEqual({
      path: "src/config.js",
      state: "handwritten",
    });
    expect(Object.values(readLockJson(dir).units).flatMap((unit) => Object.keys(unit.outputs))).not.toContain(
      "src/config.js",
    );
  });

  test("an edit is never drift, but makes the units that read the file stale", async () => {
    const { env } = await startModelWriter({ files: chainFiles() });
    const { dir } = await makePackage(handOwned());
    expect((await runCli(["build"], { cwd: dir, env })).code).toBe(0);
    writeFileSync(join(dir, "src/config.js"), "export const start = 1;\n");

    const status = parseJsonOutput<StatusJson>(await runCli(["status", "--json"], { cwd: dir }));
    const check = parseJsonOutput<{ checks: { check: string; status: string }[] }>(
      await runCli(["check", "--json"], { cwd: dir }),
    );

    expect(status.files.find((file) => file.path === "src/config.js")?.state).toBe("handwritten");
    expect(status.stale).toEqual([
      { unit: "a", reasons: ["handwritten src/config.js changed"] },
      { unit: "b", reasons: ["handwritten src/config.js changed", "needs a, which regenerates"] },
      { unit: "c", reasons: ["handwritten src/config.js changed", "needs b, which regenerates"] },
    ]);
    expect(Object.fromEntries(check.checks.map((item) => [item.check, item.status]))).toMatchObject({
      drift: "pass",
      stale: "fail",
    });
  });

  test("adopting a generated file keeps it, hand edits included, when its unit regenerates", async () => {
    const files = chainFiles();
    files.a!["src/a-extra.js"] = "export const extra = 1;\n";
    const def = chainPackage();
    def.units.a!.owns = ["src/a.js", "src/a-extra.js"];
    const { env } = await startModelWriter({ files });
    const { dir } = await makePackage(def);
    expect((await runCli(["build"], { cwd: dir, env })).code).toBe(0);
    writeFileSync(join(dir, "src/a-extra.js"), "export const extra = 2; // mine now\n");
    writeFileSync(
      join(dir, "specprompt.yaml"),
      manifestText({ ...def, manifest: { handwritten: ["src/a-extra.js"] } }),
    );

    const status = parseJsonOutput<StatusJson>(await runCli(["status", "--json"], { cwd: dir }));
    const rebuild = await runCli(["build"], { cwd: dir, env });

    expect(status.files.find((file) => file.path === "src/a-extra.js")?.state).toBe("handwritten");
    expect(status.stale[0]).toEqual({ unit: "a", reasons: ["handwritten src/a-extra.js added"] });
    expect(rebuild.code, rebuild.stderr).toBe(0);
    expect(readFileSync(join(dir, "src/a-extra.js"), "utf8")).toBe("export const extra = 2; // mine now\n");
    expect(Object.keys(readLockJson(dir).units.a!.outputs)).toEqual(["src/a.js"]);
  });
});
