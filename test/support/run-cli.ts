import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The built CLI, run exactly as `npx specprompt` would. */
export const CLI_PATH = fileURLToPath(new URL("../../bin/specprompt.js", import.meta.url));

/** Variables of the test process that must not reach the CLI: they would change what it does. */
const SCRUBBED = /^(OPENAI_|ANTHROPIC_|OLLAMA_|SPECPROMPT_|NODE_OPTIONS$|VITEST|FORCE_COLOR$)/;

export interface CliResult {
  /** Exit code, or null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunCliOptions {
  cwd: string;
  /** Added to a scrubbed copy of the test process's environment; undefined removes a variable. */
  env?: Record<string, string | undefined>;
  /** Kill the CLI after this long (a hung CLI fails the test instead of the suite). */
  timeoutMs?: number;
  /** Another copy of bin/specprompt.js to run (default CLI_PATH). */
  cliPath?: string;
}

/** A CLI process that is still running, for tests that interrupt it. */
export interface RunningCli {
  child: ChildProcess;
  /** Settles when the process has exited and its output is closed. */
  done: Promise<CliResult>;
}

/**
 * Spawn `node bin/specprompt.js ...args` asynchronously: the fake model server lives in this
 * process's event loop, so a synchronous spawn would deadlock it.
 */
export function startCli(args: string[], options: RunCliOptions): RunningCli {
  const child = spawn(process.execPath, [options.cliPath ?? CLI_PATH, ...args], {
    cwd: options.cwd,
    env: cliEnv(options.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 25_000);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

/** Run the CLI to completion and collect its exit code and output. */
export function runCli(args: string[], options: RunCliOptions): Promise<CliResult> {
  return startCli(args, options).done;
}

/** The parsed single JSON document a `--json` command printed. */
export function parseJsonOutput<T = unknown>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`stdout is not one JSON document:\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}

function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!SCRUBBED.test(name)) env[name] = value;
  }
  env.CI = "1";
  env.NO_COLOR = "1";
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}
