import { spawn } from "node:child_process";
import { existsSync, openSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { isAlive } from "../../build/build-lock.js";
import { exchange } from "../../daemon/client.js";
import { daemonInfoPath, daemonSocket, isOwnSocket, readDaemonInfo } from "../../daemon/protocol.js";
import { UsageError } from "../../errors.js";
import { findManifest } from "../../package/find-manifest.js";
import { localStateDir } from "../../package/local-state.js";
import { VERSION } from "../../version.js";
import { type CliIO, type CommandDef, writeJson } from "../command.js";

const DEFAULT_IDLE_MINUTES = 30;

/** `specprompt daemon [dir]` */
export const daemonCommand: CommandDef = {
  name: "daemon",
  summary: "Keep a package's build, plan, status and check warm in a background process",
  usage: "specprompt daemon [dir] [--detach | --stop] [options]",
  description: [
    "Serves the package's build, plan, status and check from one long-running process: the CLI finds it",
    "(through .specprompt/local/daemon.json) and hands it the command over a Unix socket, so a run skips",
    "loading and compiling specprompt. The daemon watches the package's files (and libraries imported by",
    "path): a plan, status or check that nothing has changed since is answered from memory, the way git's",
    "fsmonitor spares `git status` from statting every file. Output, exit codes and --json are the same as",
    "without it; SPECPROMPT_NO_DAEMON=1 runs a command in the CLI process anyway. The daemon runs in the",
    "foreground until Ctrl-C, --stop, or --idle minutes without a request; --detach starts it in the",
    "background (its log is .specprompt/local/daemon.log).",
  ].join("\n"),
  positionals: [{ name: "dir", description: "Package folder (default: the current folder)" }],
  options: {
    detach: { type: "boolean", description: "Start the daemon in the background and return once it answers" },
    stop: { type: "boolean", description: "Stop the package's daemon" },
    idle: {
      type: "string",
      value: "minutes",
      description: `Exit after this long without a request (default ${DEFAULT_IDLE_MINUTES})`,
    },
  },
  examples: [
    "specprompt daemon --detach          # then build, status, plan and check here go through it",
    "specprompt daemon examples/textstats --idle 120",
    "specprompt daemon --stop",
  ],
  async run({ values, positionals, io }) {
    if (positionals.length > 1)
      throw new UsageError("daemon takes at most one folder", "specprompt daemon [dir]");
    const pkgDir = dirname(await findManifest(positionals[0] ?? ".", io.cwd));
    const idle = values.idle === undefined ? DEFAULT_IDLE_MINUTES : Number(values.idle);
    if (!Number.isFinite(idle) || idle <= 0)
      throw new UsageError(`--idle expects a positive number of minutes, got '${String(values.idle)}'`);
    if (values.stop) return stopDaemon(io, pkgDir, Boolean(values.json));
    if (values.detach) return detachDaemon(io, pkgDir, idle, Boolean(values.json));
    const { runDaemon } = await import("../../daemon/server.js");
    const { main } = await import("../main.js");
    await runDaemon({
      pkgDir,
      idleMs: idle * 60_000,
      run: main,
      log: (line) => io.stderr.write(`specprompt daemon: ${line}\n`),
      signal: io.signal,
    });
    return 0;
  },
};

async function stopDaemon(io: CliIO, pkgDir: string, json: boolean): Promise<number> {
  const info = readDaemonInfo(pkgDir);
  const silent = { write: () => {} };
  const stopped =
    info !== undefined &&
    isOwnSocket(daemonSocket(pkgDir), pkgDir) &&
    (await exchange(
      daemonSocket(pkgDir),
      {
        version: VERSION,
        argv: [],
        cwd: io.cwd,
        env: {},
        stdout: { isTTY: false },
        stderr: { isTTY: false },
        stop: true,
      },
      { cwd: io.cwd, env: {}, stdout: silent, stderr: silent },
    )) === 0;
  // It answers once the command it runs is done, then exits; wait for that, so a script can start
  // another at once.
  let gone = !stopped;
  for (let i = 0; stopped && i < 1500 && !gone; i++) {
    gone = !isAlive(info!.pid) && !existsSync(daemonInfoPath(pkgDir));
    if (!gone) await sleep(20);
  }
  if (json) writeJson(io, { stopped, exited: gone, pid: stopped ? info!.pid : null });
  else if (!stopped) io.stdout.write("no daemon serves this package\n");
  else
    io.stdout.write(
      gone ? `stopped the daemon (pid ${info!.pid})\n` : `the daemon (pid ${info!.pid}) is stopping\n`,
    );
  return 0;
}

async function detachDaemon(io: CliIO, pkgDir: string, idle: number, json: boolean): Promise<number> {
  const log = join(localStateDir(pkgDir), "daemon.log");
  const { mkdirSync } = await import("node:fs");
  mkdirSync(dirname(log), { recursive: true });
  const out = openSync(log, "a");
  const child = spawn(process.execPath, [process.argv[1]!, "daemon", pkgDir, "--idle", String(idle)], {
    cwd: pkgDir,
    env: io.env as NodeJS.ProcessEnv,
    detached: true,
    stdio: ["ignore", out, out],
  });
  child.unref();
  // Ready when it has written its file with its own pid (an earlier one's may still be there).
  for (let i = 0; i < 500; i++) {
    const info = readDaemonInfo(pkgDir);
    if (info !== undefined && info.pid === child.pid) {
      if (json) writeJson(io, { pid: info.pid, socket: info.socket, log });
      else io.stdout.write(`daemon started (pid ${info.pid}); specprompt daemon --stop stops it\n`);
      return 0;
    }
    if (child.exitCode !== null) break;
    await sleep(20);
  }
  const tail = readFileSync(log, "utf8").trimEnd().split("\n").slice(-3).join("\n");
  throw new UsageError(`the daemon did not start${tail ? `:\n${tail}` : ""}`, `see ${log}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
