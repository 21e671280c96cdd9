import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCmdProvider, TAIL_BYTES } from "./cmd.js";
import type { ProviderEnv } from "./types.js";

const AGENT = `
import { readFileSync, writeFileSync } from "node:fs";
const stdin = readFileSync(0, "utf8");
const fromFile = readFileSync(process.env.SPECPROMPT_PROMPT_FILE, "utf8");
writeFileSync("out.txt", stdin.toUpperCase());
writeFileSync("seen.json", JSON.stringify({
  same: stdin === fromFile,
  promptFile: process.env.SPECPROMPT_PROMPT_FILE,
  workdir: process.env.SPECPROMPT_WORKDIR,
  cwd: process.cwd(),
  key: process.env.AGENT_KEY,
}));
console.log("wrote out.txt");
console.error("a warning");
process.exit(Number(process.argv[2] ?? 0));
`;

// Starts a grandchild that would outlive a naive kill, records its pid, then never ends.
const HANGING_AGENT = `
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
const child = spawn("sleep", ["30"], { stdio: "ignore" });
writeFileSync("child.pid", String(child.pid));
setInterval(() => {}, 1000);
`;

let dir: string;
let work: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "specprompt-cmd-test-"));
  work = join(dir, "work");
  await writeFile(join(dir, "agent.mjs"), AGENT);
  await writeFile(join(dir, "hang.mjs"), HANGING_AGENT);
  await import("node:fs/promises").then((fs) => fs.mkdir(work));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function envWith(vars: Record<string, string> = {}): ProviderEnv {
  return { env: { PATH: process.env.PATH, ...vars }, timeoutMs: 10_000, maxRetries: 0 };
}

/** True while the process exists and is not a zombie waiting for a reaper. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, "utf8") : "";
  return !/^\d+ \(.*\) Z/.test(stat);
}

describe("the cmd provider", () => {
  it("gives the agent the prompt on stdin and in SPECPROMPT_PROMPT_FILE, in the working folder", async () => {
    const agent = createCmdProvider(`node ${join(dir, "agent.mjs")}`, envWith({ AGENT_KEY: "secret" }));
    const result = await agent.run({ prompt: "make a thing", cwd: work, timeoutMs: 10_000 });
    expect(result).toEqual({ exitCode: 0, stdoutTail: "wrote out.txt\n", stderrTail: "a warning\n" });
    expect(await readFile(join(work, "out.txt"), "utf8")).toBe("MAKE A THING");
    const seen = JSON.parse(await readFile(join(work, "seen.json"), "utf8"));
    expect(seen).toMatchObject({ same: true, workdir: work, cwd: work, key: "secret" });
    expect(existsSync(seen.promptFile)).toBe(false);
  });

  it("reports the agent's exit code", async () => {
    const agent = createCmdProvider(`node ${join(dir, "agent.mjs")} 3`, envWith());
    const result = await agent.run({ prompt: "x", cwd: work, timeoutMs: 10_000 });
    expect(result.exitCode).toBe(3);
  });

  it("reports an unstartable command as exit code 127 for the caller to explain", async () => {
    const agent = createCmdProvider("no-such-agent-binary --go", envWith());
    const result = await agent.run({ prompt: "x", cwd: work, timeoutMs: 10_000 });
    expect(result.exitCode).toBe(127);
    expect(result.stderrTail).toContain("no-such-agent-binary");
  });

  it("keeps only the last 8 KB of what the agent prints", async () => {
    const agent = createCmdProvider(`node -e "process.stdout.write('a'.repeat(50000) + 'END')"`, envWith());
    const result = await agent.run({ prompt: "", cwd: work, timeoutMs: 10_000 });
    expect(result.stdoutTail).toHaveLength(TAIL_BYTES);
    expect(result.stdoutTail.endsWith("aEND")).toBe(true);
  });

  it("kills the agent and everything it started when it runs past the timeout", async () => {
    const agent = createCmdProvider(`node ${join(dir, "hang.mjs")}`, envWith());
    const started = Date.now();
    await expect(agent.run({ prompt: "x", cwd: work, timeoutMs: 500 })).rejects.toMatchObject({
      code: "E_PROVIDER",
      message: `cmd: node ${join(dir, "hang.mjs")} did not finish within 0.5s`,
    });
    expect(Date.now() - started).toBeLessThan(3000);
    const childPid = Number(await readFile(join(work, "child.pid"), "utf8"));
    expect(childPid).toBeGreaterThan(0);
    expect(isRunning(childPid)).toBe(false);
  });

  it("stops the agent when the caller aborts", async () => {
    const agent = createCmdProvider(`node ${join(dir, "hang.mjs")}`, envWith());
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("cancelled by user")), 300);
    await expect(
      agent.run({ prompt: "x", cwd: work, timeoutMs: 10_000, signal: controller.signal }),
    ).rejects.toThrow("cancelled by user");
    const childPid = Number(await readFile(join(work, "child.pid"), "utf8"));
    expect(isRunning(childPid)).toBe(false);
  });

  it("does not start the agent when the caller has already aborted", async () => {
    const agent = createCmdProvider(`node ${join(dir, "agent.mjs")}`, envWith());
    const controller = new AbortController();
    controller.abort(new Error("cancelled before the start"));
    await expect(
      agent.run({ prompt: "x", cwd: work, timeoutMs: 10_000, signal: controller.signal }),
    ).rejects.toThrow("cancelled before the start");
    expect(existsSync(join(work, "out.txt"))).toBe(false);
  });

  it("reports a working folder it cannot start the agent in as a provider error", async () => {
    const agent = createCmdProvider(`node ${join(dir, "agent.mjs")}`, envWith());
    await expect(
      agent.run({ prompt: "x", cwd: join(dir, "missing"), timeoutMs: 10_000 }),
    ).rejects.toMatchObject({
      code: "E_PROVIDER",
      message: expect.stringContaining(`cmd: cannot start node ${join(dir, "agent.mjs")}`),
    });
  });
});
