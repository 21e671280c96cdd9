import { createHash } from "node:crypto";
import { readFileSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { chainFiles, chainPackage } from "../support/chain-package.js";
import { makePackage, readLockJson, removeTempRoots } from "../support/make-package.js";
import { startModelWriter } from "../support/model-writer.js";
import { parseJsonOutput, runCli } from "../support/run-cli.js";

afterAll(removeTempRoots);

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("specprompt build", () => {
  test.each([
    ["OpenAI", "openai:gpt-test", "/v1/chat/completions"],
    ["Anthropic", "anthropic:claude-test", "/v1/messages"],
  ])("builds a three-unit package through the %s-compatible fake model", async (_name, model, path) => {
    const files = chainFiles();
    const { server, writer, env } = await startModelWriter({ files });
    const { dir } = await makePackage(chainPackage({ model }));

    const result = await runCli(["build"], { cwd: dir, env });

    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(0);
    for (const unitFiles of Object.values(files)) {
      for (const [file, content] of Object.entries(unitFiles)) {
        expect(readFileSync(join(dir, file), "utf8")).toBe(content);
      }
    }
    expect(writer.asked).toEqual(["a", "b", "c"]);
    // One request asks for a unit's files, a second carries the tool results back.
    expect(server.requests).toHaveLength(6);
    expect(server.requests.every((request) => request.path === path)).toBe(true);

    const lock = readLockJson(dir);
    expect(Object.keys(lock.units).sort()).toEqual(["a", "b", "c"]);
    for (const [unit, unitFiles] of Object.entries(files)) {
      const outputs = Object.fromEntries(
        Object.keys(unitFiles).map((file) => [file, sha256(readFileSync(join(dir, file), "utf8"))]),
      );
      expect(lock.units[unit]?.outputs).toEqual(outputs);
      expect(lock.units[unit]?.validation?.passed).toBe(true);
    }
    expect(lock.build.validation).toMatchObject({ command: "node --test", passed: true, exitCode: 0 });
    for (const unit of ["a", "b", "c"])
      expect(result.stdout).toMatch(new RegExp(`^\\s+${unit}\\s+1 file`, "m"));
    expect(result.stdout).toMatch(/validation: node --test passed/);
  });

  test("a second build with nothing changed makes no request and leaves the lock untouched", async () => {
    const { server, env } = await startModelWriter({ files: chainFiles() });
    const { dir } = await makePackage(chainPackage());
    expect((await runCli(["build"], { cwd: dir, env })).code).toBe(0);
    const lockPath = join(dir, "specprompt.lock");
    const lockText = readFileSync(lockPath, "utf8");
    const lockTime = statSync(lockPath).mtimeMs;
    const requests = server.requests.length;

    const again = await runCli(["build", "--json"], { cwd: dir, env });

    expect(again.code).toBe(0);
    expect(parseJsonOutput<{ status: string }>(again).status).toBe("up-to-date");
    expect(server.requests).toHaveLength(requests);
    expect(readFileSync(lockPath, "utf8")).toBe(lockText);
    expect(statSync(lockPath).mtimeMs).toBe(lockTime);
  });

  test("touching a layer without changing its content changes nothing", async () => {
    const { server, env } = await startModelWriter({ files: chainFiles() });
    const { dir } = await makePackage(chainPackage());
    expect((await runCli(["build"], { cwd: dir, env })).code).toBe(0);
    const lockPath = join(dir, "specprompt.lock");
    const lockText = readFileSync(lockPath, "utf8");
    const lockTime = statSync(lockPath).mtimeMs;
    const requests = server.requests.length;
    const later = new Date(Date.now() + 60_000);
    for (const layer of ["core.md", "guide.md", "units/b.md", "specprompt.yaml"]) {
      utimesSync(join(dir, layer), later, later);
    }

    const plan = await runCli(["plan"], { cwd: dir, env });
    const build = await runCli(["build"], { cwd: dir, env });

    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/up to date/);
    expect(build.code).toBe(0);
    expect(build.stdout).toMatch(/up to date/);
    expect(server.requests).toHaveLength(requests);
    expect(readFileSync(lockPath, "utf8")).toBe(lockText);
    expect(statSync(lockPath).mtimeMs).toBe(lockTime);
  });
});
