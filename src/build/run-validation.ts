import { runCommand } from "../util/run-command.js";

export interface ValidationResult {
  command: string;
  passed: boolean;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  /** The command's output, the end kept when it is long. */
  output: string;
}

/** Variables every validation command gets; anything else must be passed through by name. */
const BASE_ENV = ["PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "TZ", "CI", "TERM", "SHELL", "USER"];

/** Run the package's validation command in a prepared work tree, with a clean environment. */
export async function runValidation(options: {
  command: string;
  cwd: string;
  timeoutMs: number;
  passEnv: string[];
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
}): Promise<ValidationResult> {
  const env: Record<string, string> = { SPECPROMPT_VALIDATION: "1" };
  for (const name of [...BASE_ENV, ...options.passEnv]) {
    const value = options.env[name];
    if (value !== undefined) env[name] = value;
  }
  const result = await runCommand({
    command: options.command,
    cwd: options.cwd,
    env,
    timeoutMs: options.timeoutMs,
    maxOutputBytes: 256 * 1024,
    signal: options.signal,
  });
  return {
    command: options.command,
    passed: result.exitCode === 0 && !result.timedOut,
    exitCode: result.exitCode,
    timedOut: result.timedOut,
    durationMs: result.durationMs,
    output: result.truncated ? `[… earlier output trimmed]\n${result.output}` : result.output,
  };
}
