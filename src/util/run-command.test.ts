import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type RunCommandOptions, runCommand } from "./run-command.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "specprompt-run-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function run(command: string, options: Partial<RunCommandOptions> = {}) {
  return runCommand({ command, cwd: root, env: { PATH: process.env.PATH }, timeoutMs: 10_000, ...options });
}

const node = JSON.stringify(process.execPath);

/** True once `pid` has exited (a zombie nobody reaped yet counts as exited). */
function isGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  }
}

async function expectGone(pid: number): Promise<void> {
  for (let i = 0; i < 50 && !isGone(pid); i++) await sleep(20);
  expect(isGone(pid), `process ${pid} still running`).toBe(true);
}

async function readPid(): Promise<number> {
  return Number((await readFile(join(root, "pid"), "utf8")).trim());
}

describe("runCommand", () => {
  it("reports the exit code, the output of stdout and stderr together, and each alone", async () => {
    const result = await run("echo out; echo err >&2; exit 3");
    expect(result).toMatchObject({
      exitCode: 3,
      signal: null,
      timedOut: false,
      aborted: false,
      truncated: false,
    });
    expect(result.output.split("\n").sort()).toEqual(["", "err", "out"]);
    expect(result).toMatchObject({ stdout: "out\n", stderr: "err\n" });
  });

  it("feeds stdin to the command and runs it in the given folder", async () => {
    const result = await run("cat; pwd", { stdin: "from stdin\n" });
    expect(result.output).toBe(`from stdin\n${root}\n`);
    expect(result.exitCode).toBe(0);
  });

  it("keeps the end of output longer than the cap and says it dropped the start", async () => {
    const result = await run("head -c 300000 /dev/zero | tr '\\0' a; echo THE-END", { maxOutputBytes: 1000 });
    expect(result.truncated).toBe(true);
    expect(result.output.length).toBe(1000);
    expect(result.output.endsWith("aaaaTHE-END\n")).toBe(true);
    expect(result.stdout).toBe(result.output);
  });

  it("does not leave half a character at the start when the cap splits one", async () => {
    const result = await run(`${node} -e "process.stderr.write('é'.repeat(1000))"`, { maxOutputBytes: 999 });
    expect(result.truncated).toBe(true);
    expect(result.output).toBe("é".repeat(499));
    expect(result.stderr).toBe("é".repeat(499));
  });

  it("kills the command and the processes it started when the timeout passes", async () => {
    // The grandchild ignores SIGTERM, so only killing the whole group ends it.
    const result = await run("(trap '' TERM; exec sleep 30) & echo $! > pid; wait", { timeoutMs: 300 });
    expect(result).toMatchObject({ timedOut: true, aborted: false, exitCode: null });
    expect(result.durationMs).toBeLessThan(5000);
    await expectGone(await readPid());
  });

  it("returns when the command exits even if it left a background process holding its output", async () => {
    const result = await run("sleep 30 & echo $! > pid; echo done");
    expect(result).toMatchObject({ exitCode: 0, timedOut: false, output: "done\n" });
    expect(result.durationMs).toBeLessThan(5000);
    await expectGone(await readPid());
  });

  it("returns soon after the command exits even when a process outside its group holds its output", async () => {
    // setsid puts the sleep in a group of its own, out of reach of the group kill.
    const command =
      "setsid sh -c 'echo $$ > pid; exec sleep 30' & while [ ! -s pid ]; do sleep 0.05; done; echo done";
    const result = await run(command);
    const escaped = await readPid();
    try {
      expect(result).toMatchObject({ exitCode: 0, timedOut: false, output: "done\n" });
      expect(result.durationMs).toBeLessThan(2000);
    } finally {
      process.kill(escaped, "SIGKILL");
    }
  });

  it("kills the command when the signal aborts, even when it was aborted before the start", async () => {
    const aborted = new AbortController();
    aborted.abort();
    const early = await run("sleep 30", { signal: aborted.signal });
    expect(early).toMatchObject({ exitCode: null, signal: "SIGTERM", timedOut: false, aborted: true });

    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const late = await run("sleep 30", { signal: controller.signal });
    expect(late).toMatchObject({ exitCode: null, signal: "SIGTERM", timedOut: false, aborted: true });
    expect(late.durationMs).toBeLessThan(5000);
  });

  it("rejects when the command cannot be started at all", async () => {
    await expect(run("true", { cwd: join(root, "missing") })).rejects.toThrow();
  });
});
