import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { chainFiles, chainPackage } from "../support/chain-package.js";
import { closedBaseURL } from "../support/closed-port.js";
import {
  createTempRoot,
  makePackage,
  readLockJson,
  removeTempRoots,
  snapshotTree,
} from "../support/make-package.js";
import { requestUnit, startModelWriter, userText } from "../support/model-writer.js";
import { parseJsonOutput, runCli } from "../support/run-cli.js";

afterAll(removeTempRoots);

interface PromptJson {
  unit: string;
  model: string;
  request: {
    messages: Array<{ role: string; content: string }>;
    tools: Array<{ name: string }>;
    params: Record<string, unknown>;
  };
}

describe("specprompt prompt", () => {
  test("shows a unit's system and user messages with the core, its prompt and the files it needs", async () => {
    const files = chainFiles();
    const { server, env } = await startModelWriter({ files });
    const { dir } = await makePackage(chainPackage());
    expect((await runCli(["build"], { cwd: dir, env })).code).toBe(0);

    const text = await runCli(["prompt", "--unit", "b"], { cwd: dir, env });
    const json = await runCli(["prompt", "--unit", "b", "--json"], { cwd: dir, env });

    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain("===== system =====");
    expect(text.stdout).toContain("===== user =====");
    expect(text.stdout).toContain("Count to three, one module per step.");
    expect(text.stdout).toContain("Write `src/b.js` exporting `b()`, which returns a() + 1.");
    expect(text.stdout).toContain(files.a!["src/a.js"]);
    expect(text.stdout).not.toContain("Write `src/c.js`");

    expect(json.code, json.stderr).toBe(0);
    const { request } = parseJsonOutput<PromptJson>(json);
    expect(request.messages.map((message) => message.role)).toEqual(["system", "user"]);
    expect(request.tools.map((tool) => tool.name)).toEqual(["write_file"]);
    expect(request.params).toEqual({ temperature: 0 });
    // What `prompt` shows is what `build` sent.
    const sent = server.requests.find((recorded) => requestUnit(recorded) === "b")!;
    expect(request.messages[1]?.content).toBe(userText(sent));
    expect(request.messages[1]?.content).toContain(files.a!["src/a.js"]);
  });
});

describe("specprompt build --offline", () => {
  test("rebuilds byte-identical output in a fresh copy from the committed cache without any server", async () => {
    const { env } = await startModelWriter({ files: chainFiles() });
    const { dir } = await makePackage(chainPackage());
    expect((await runCli(["build"], { cwd: dir, env })).code).toBe(0);
    const original = snapshotTree(dir);
    const copy = join(await createTempRoot(), "clone");
    cpSync(dir, copy, { recursive: true });
    rmSync(join(copy, ".specprompt", "tmp"), { recursive: true, force: true });
    for (const file of ["src/a.js", "src/b.js", "src/c.js"]) rmSync(join(copy, file));
    const offlineEnv = { OPENAI_BASE_URL: await closedBaseURL(), OPENAI_API_KEY: "unused" };

    const result = await runCli(["build", "--offline"], { cwd: copy, env: offlineEnv });

    expect(result.code, result.stderr).toBe(0);
    expect(snapshotTree(copy)).toEqual(original);
    expect(readFileSync(join(copy, "specprompt.lock"), "utf8")).toBe(
      readFileSync(join(dir, "specprompt.lock"), "utf8"),
    );
  });

  test("fails with a message naming --offline when a request is not in the cache", async () => {
    const { server, env } = await startModelWriter({ files: chainFiles() });
    const { dir } = await makePackage(chainPackage());
    expect((await runCli(["build"], { cwd: dir, env })).code).toBe(0);
    writeFileSync(
      join(dir, "units/c.md"),
      "Write `src/c.js` exporting `c()`, which returns b() + 1, tersely.\n",
    );
    const before = snapshotTree(dir);
    const requests = server.requests.length;

    const result = await runCli(["build", "--offline"], { cwd: dir, env });

    expect(result.code).not.toBe(0);
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(result.stderr).toMatch(/--offline/);
    expect(result.stderr).toMatch(/unit c/);
    expect(server.requests).toHaveLength(requests);
    expect(snapshotTree(dir)).toEqual(before);
    expect(readLockJson(dir).units.c).toBeDefined();
  });
});
