import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runValidation } from "./run-validation.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "specprompt-validate-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const node = JSON.stringify(process.execPath);

function validate(
  command: string,
  options: { timeoutMs?: number; passEnv?: string[]; env?: Record<string, string> } = {},
) {
  return runValidation({
    command,
    cwd: root,
    timeoutMs: options.timeoutMs ?? 10_000,
    passEnv: options.passEnv ?? [],
    env: { PATH: process.env.PATH, HOME: "/home/someone", ...options.env },
  });
}

function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}

describe("runValidation", () => {
  it("gives the command a clean environment: the base variables, the ones passed through, and nothing else", async () => {
    const result = await validate(`${node} -e "console.log(JSON.stringify(process.env))"`, {
      passEnv: ["DATABASE_URL", "NOT_SET"],
      env: { DATABASE_URL: "postgres://db", OPENAI_API_KEY: "secret", GITHUB_TOKEN: "secret" },
    });
    expect(result.passed).toBe(true);
    const env = JSON.parse(result.output) as Record<string, string>;
    expect(env).toMatchObject({
      DATABASE_URL: "postgres://db",
      HOME: "/home/someone",
      SPECPROMPT_VALIDATION: "1",
    });
    expect(env.PATH).toBe(process.env.PATH);
    expect(env).not.toHaveProperty("OPENAI_API_KEY");
    expect(env).not.toHaveProperty("GITHUB_TOKEN");
    expect(env).not.toHaveProperty("NOT_SET");
  });

  it("fails on a non-zero exit and reports the code", async () => {
    const result = await validate("echo nope; exit 3");
    expect(result).toMatchObject({ passed: false, exitCode: 3, timedOut: false, output: "nope\n" });
  });

  it("stops a command that outlives the timeout, with every process it started", async () => {
    const pids = join(root, "pids");
    const script = `const { spawn } = require("node:child_process"); const child = spawn("sleep", ["300"], { stdio: "ignore" }); require("node:fs").writeFileSync(${JSON.stringify(pids)}, process.pid + " " + child.pid); setInterval(() => {}, 1000);`;
    const result = await validate(`${node} -e ${JSON.stringify(script)}`, { timeoutMs: 500 });
    expect(result).toMatchObject({ passed: false, timedOut: true, exitCode: null });
    expect(result.durationMs).toBeLessThan(5000);
    for (const pid of readFileSync(pids, "utf8").split(" ").map(Number)) {
      for (let i = 0; i < 50 && isRunning(pid); i++) await sleep(20);
      expect(isRunning(pid), `process ${pid}`).toBe(false);
    }
  });

  it("keeps the end of a long output and says the start was trimmed", async () => {
    const result = await validate(`${node} -e "for (let i = 0; i < 40000; i++) console.log('line ' + i)"`);
    expect(result.output.startsWith("[… earlier output trimmed]\n")).toBe(true);
    expect(result.output.endsWith("line 39999\n")).toBe(true);
    expect(result.output.length).toBeLessThan(300 * 1024);
  });
});
