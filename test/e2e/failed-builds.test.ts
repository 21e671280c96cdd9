import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test, vi } from "vitest";
import { chainFiles, chainPackage } from "../support/chain-package.js";
import { makePackage, readLockJson, removeTempRoots, snapshotTree } from "../support/make-package.js";
import { requestUnit, startModelWriter } from "../support/model-writer.js";
import { runCli, startCli } from "../support/run-cli.js";

afterAll(removeTempRoots);

describe("a build that does not finish", () => {
  test("fails with exit 1 when the generated code fails the tests, shows the test output and keeps the last good build", async () => {
    const files = chainFiles();
    const { env } = await startModelWriter({ files });
    const { dir } = await makePackage(chainPackage());
    expect((await runCli(["build"], { cwd: dir, env })).code).toBe(0);
    writeFileSync(join(dir, "units/b.md"), "Write `src/b.js` exporting `b()`, which returns a() + 2.\n");
    files.b!["src/b.js"] = 'import { a } from "./a.js";\n\nexport const b = () => a() + 2;\n';
    const before = snapshotTree(dir);

    const result = await runCli(["build"], { cwd: dir, env });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("c counts to three through a and b");
    expect(result.stderr).toMatch(/4 !== 3|expected: 3|Expected values to be strictly equal/);
    expect(result.stderr).toMatch(/the previous output and lock are untouched/);
    expect(snapshotTree(dir)).toEqual(before);
  });

  test("killed with SIGKILL mid-build leaves the output and lock as they were, and the next build succeeds", async () => {
    const files = chainFiles();
    const delayMs: Record<string, number> = {};
    const { server, env } = await startModelWriter({ files, delayMs });
    const { dir } = await makePackage(chainPackage());
    expect((await runCli(["build"], { cwd: dir, env })).code).toBe(0);
    writeFileSync(join(dir, "core.md"), "# chain\n\nCount to three, one commented module per step.\n");
    for (const unit of Object.values(files)) {
      for (const path of Object.keys(unit)) unit[path] = `// generated\n${unit[path]}`;
    }
    const before = snapshotTree(dir);
    delayMs.b = 3000;

    const running = startCli(["build"], { cwd: dir, env });
    // b needs a, so b's request arriving means a has been answered and b is in flight.
    await vi.waitFor(
      () => {
        if (!server.requests.some((request) => requestUnit(request) === "b"))
          throw new Error("b not asked yet");
      },
      { timeout: 10_000, interval: 20 },
    );
    running.child.kill("SIGKILL");
    const killed = await running.done;

    expect(killed.signal).toBe("SIGKILL");
    expect(snapshotTree(dir)).toEqual(before);

    delete delayMs.b;
    const next = await runCli(["build"], { cwd: dir, env });

    expect(next.code, next.stderr).toBe(0);
    expect(readFileSync(join(dir, "src/c.js"), "utf8")).toBe(files.c!["src/c.js"]);
    expect(Object.keys(readLockJson(dir).units).sort()).toEqual(["a", "b", "c"]);
  });

  test("refuses to regenerate over a hand edit, loses nothing, and overwrites it only with --force", async () => {
    const files = chainFiles();
    const { server, env } = await startModelWriter({ files });
    const { dir } = await makePackage(chainPackage());
    expect((await runCli(["build"], { cwd: dir, env })).code).toBe(0);
    const edited = `${files.a!["src/a.js"]}// a hand edit\n`;
    writeFileSync(join(dir, "src/a.js"), edited);
    writeFileSync(
      join(dir, "units/a.md"),
      "Write `src/a.js` exporting `a()`, which returns 1. Keep it short.\n",
    );
    const before = snapshotTree(dir);
    const requests = server.requests.length;

    const refused = await runCli(["build"], { cwd: dir, env });

    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("would overwrite hand edits: src/a.js");
    expect(refused.stderr).toContain("--force");
    expect(server.requests.length).toBe(requests);
    expect(snapshotTree(dir)).toEqual(before);

    const forced = await runCli(["build", "--force"], { cwd: dir, env });
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(join(dir, "src/a.js"), "utf8")).toBe(files.a!["src/a.js"]);
  });
});
