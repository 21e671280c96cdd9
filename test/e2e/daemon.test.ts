import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { chainFiles, chainPackage } from "../support/chain-package.js";
import { makePackage, readLockJson, removeTempRoots } from "../support/make-package.js";
import { startModelWriter } from "../support/model-writer.js";
import { type RunningCli, runCli, startCli } from "../support/run-cli.js";

afterAll(removeTempRoots);

const INFO = ".specprompt/local/daemon.json";

/** A built chain package with its daemon running in the foreground; its log is the daemon's stderr. */
async function withDaemon() {
  const model = await startModelWriter({ files: chainFiles() });
  const { dir } = await makePackage(chainPackage());
  expect((await runCli(["build"], { cwd: dir, env: model.env })).code).toBe(0);
  let log = "";
  const daemon: RunningCli = startCli(["daemon"], { cwd: dir, timeoutMs: 60_000 });
  daemon.child.stderr?.on("data", (chunk: Buffer) => {
    log += chunk.toString();
  });
  for (let i = 0; i < 250 && !existsSync(join(dir, INFO)); i++) await new Promise((r) => setTimeout(r, 20));
  expect(existsSync(join(dir, INFO)), log).toBe(true);
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(args, { cwd: dir, env: { ...model.env, ...env } });
  const served = (line: string) => log.split("\n").filter((entry) => entry.includes(line)).length;
  return { dir, model, daemon, cli, served, log: () => log };
}

describe("specprompt daemon", () => {
  test("answers status and check exactly as the CLI does, from memory until a file changes", async () => {
    const { dir, model, daemon, cli, served, log } = await withDaemon();
    try {
      const local = await cli(["status", "--json"], { SPECPROMPT_NO_DAEMON: "1" });
      const first = await cli(["status", "--json"]);
      const second = await cli(["status", "--json"]);
      expect(first).toEqual(local);
      expect(second).toEqual(local);
      expect(served("status --json: exit 0")).toBe(1);
      expect(served("status --json: answered from memory")).toBe(1);

      writeFileSync(join(dir, "src/a.js"), "export const a = () => 2; // by hand\n");
      const edited = await cli(["status", "--json"]);
      expect(edited.stdout).toContain('"state": "modified"');
      expect(served("status --json: exit 0")).toBe(2);

      const check = await cli(["check"]);
      expect(check.code).toBe(1);
      expect(check).toEqual(await cli(["check"], { SPECPROMPT_NO_DAEMON: "1" }));
      expect(served("check: exit 1")).toBe(1);

      // Another package whose daemon.json points here (copied along with the folder) runs locally.
      const other = await makePackage(chainPackage());
      expect((await runCli(["build"], { cwd: other.dir, env: model.env })).code).toBe(0);
      const expected = await runCli(["status"], { cwd: other.dir, env: { SPECPROMPT_NO_DAEMON: "1" } });
      writeFileSync(join(other.dir, INFO), readFileSync(join(dir, INFO)));
      expect(await runCli(["status"], { cwd: other.dir })).toEqual(expected);
      expect(served("status: exit")).toBe(0);
      expect(log()).not.toContain("Error");
    } finally {
      daemon.child.kill("SIGTERM");
      await daemon.done;
    }
  });

  test("builds with the client's environment and stops on --stop, removing its file", async () => {
    const { dir, model, daemon, cli, served } = await withDaemon();
    writeFileSync(
      join(dir, "units/c.md"),
      "Write `src/c.js` exporting `c()`, which returns b() + 1.\nTersely.\n",
    );
    const before = model.server.requests.length;
    const built = await cli(["build", "--json"]);
    expect(built.code, built.stderr).toBe(0);
    expect(JSON.parse(built.stdout).units.map((unit: { unit: string }) => unit.unit)).toEqual(["c"]);
    expect(model.server.requests.length).toBeGreaterThan(before);
    expect(served("build --json: exit 0")).toBe(1);
    expect(readLockJson(dir).units.c?.inputHash).toBeDefined();

    const stopped = await runCli(["daemon", "--stop"], { cwd: dir });
    expect(stopped.stdout).toMatch(/^stopped the daemon \(pid \d+\)/);
    const exit = await daemon.done;
    expect(exit.code).toBe(0);
    expect(existsSync(join(dir, INFO))).toBe(false);
    const after = await runCli(["status"], { cwd: dir });
    expect(after.code, after.stderr).toBe(0);
  });

  test("a daemon that is gone or of another version is passed over: the CLI runs the command", async () => {
    const model = await startModelWriter({ files: chainFiles() });
    const { dir } = await makePackage(chainPackage());
    expect((await runCli(["build"], { cwd: dir, env: model.env })).code).toBe(0);
    const expected = await runCli(["status"], { cwd: dir, env: { SPECPROMPT_NO_DAEMON: "1" } });
    const info = (socket: string, version: string) =>
      writeFileSync(join(dir, INFO), JSON.stringify({ pid: 1, version, socket, startedAt: "" }));
    info(join(dir, ".specprompt/local/gone.sock"), JSON.parse(readFileSync("package.json", "utf8")).version);
    expect(await runCli(["status"], { cwd: dir })).toEqual(expected);
    info(join(dir, ".specprompt/local/gone.sock"), "0.0.0-other");
    expect(await runCli(["status"], { cwd: dir })).toEqual(expected);
  });

  test("--detach starts it in the background and a second daemon for the package is refused", async () => {
    const model = await startModelWriter({ files: chainFiles() });
    const { dir } = await makePackage(chainPackage());
    expect((await runCli(["build"], { cwd: dir, env: model.env })).code).toBe(0);
    const started = await runCli(["daemon", "--detach", "--json"], { cwd: dir });
    expect(started.code, started.stderr).toBe(0);
    try {
      expect(JSON.parse(started.stdout)).toMatchObject({ pid: expect.any(Number) });
      const second = await runCli(["daemon"], { cwd: dir });
      expect(second.code).toBe(2);
      expect(second.stderr).toContain("a daemon already serves this package");
      const status = await runCli(["status"], { cwd: dir });
      expect(status.code).toBe(0);
      expect(readFileSync(join(dir, ".specprompt/local/daemon.log"), "utf8")).toContain("status: exit 0");
    } finally {
      expect((await runCli(["daemon", "--stop"], { cwd: dir })).code).toBe(0);
    }
    expect(existsSync(join(dir, INFO))).toBe(false);
  });
});
