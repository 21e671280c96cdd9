import { existsSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { chainFiles, chainPackage } from "../support/chain-package.js";
import {
  createTempRoot,
  makePackage,
  readLockJson,
  removeTempRoots,
  writeText,
} from "../support/make-package.js";
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

  test("never connects where a package's daemon.json points, and survives a malformed request", async () => {
    const { dir, daemon, cli, served } = await withDaemon();
    try {
      // A socket anyone could have made, named by a file a repository could ship.
      const evil = join(await createTempRoot(), "evil.sock");
      let connections = 0;
      const listener = createServer((socket) => {
        connections++;
        socket.end('{"out":"all checks passed\\n"}\n{"exit":0}\n');
      });
      await new Promise<void>((ready) => listener.listen(evil, ready));
      const info = JSON.parse(readFileSync(join(dir, INFO), "utf8"));
      const other = await makePackage(chainPackage());
      await writeText(join(other.dir, INFO), JSON.stringify({ ...info, socket: evil }));
      const check = await runCli(["check"], { cwd: other.dir });
      expect(check.code).toBe(2); // never built: the CLI's own answer, not the listener's
      expect(connections).toBe(0);
      listener.close();

      const garbage = connect(join(dir, ".specprompt/local/daemon.sock"));
      await new Promise((sent) => garbage.end('{"version":"0.1.0"}\n', () => sent(undefined)));
      const status = await cli(["status"]);
      expect(status.code, status.stderr).toBe(0);
      expect(served("status: exit 0")).toBe(1);
    } finally {
      daemon.child.kill("SIGTERM");
      await daemon.done;
    }
  });

  test("an import added after start is watched, and a package with links keeps nothing in memory", async () => {
    const { dir, daemon, cli, served } = await withDaemon();
    try {
      const library = join(dir, "..", "lib");
      await writeText(
        join(library, "specprompt.yaml"),
        "name: lib\nversion: 1.0.0\nkind: library\nguide: guide.md\n",
      );
      await writeText(join(library, "guide.md"), "## Rules\n\nBe brief.\n");
      const manifest = join(dir, "specprompt.yaml");
      writeFileSync(manifest, `${readFileSync(manifest, "utf8")}imports:\n  lib: { path: ../lib }\n`);
      expect((await cli(["plan"])).stdout).toContain("import lib added");
      await cli(["plan"]);
      expect(served("plan: answered from memory")).toBe(1);
      writeFileSync(join(library, "guide.md"), "## Rules\n\nBe very brief.\n");
      expect((await cli(["plan"])).stdout).toContain("import lib");
      expect(served("plan: exit 0")).toBe(2);

      symlinkSync(join(library, "guide.md"), join(dir, "linked.md"));
      await cli(["status"]);
      await cli(["status"]);
      expect(served("status: answered from memory")).toBe(0);
      expect(served("status: exit 0")).toBe(2);
    } finally {
      daemon.child.kill("SIGTERM");
      await daemon.done;
    }
  });
});
