import { spawn } from "node:child_process";

export interface RunCommandOptions {
  /** A shell command line, run with /bin/sh -c. */
  command: string;
  cwd: string;
  env: Record<string, string | undefined>;
  stdin?: string;
  timeoutMs: number;
  /** Keep at most this many bytes of each stream (the end is kept). */
  maxOutputBytes?: number;
  signal?: AbortSignal;
}

export interface RunCommandResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** stdout and stderr interleaved as they arrived, trimmed to the cap. */
  output: string;
  /** True when the cap dropped the start of the output. */
  truncated: boolean;
  durationMs: number;
}

const KILL_GRACE_MS = 2000;

/**
 * Run a command in its own process group so that a timeout or an abort kills the whole tree
 * (test runners and agents start children of their own).
 */
export function runCommand(options: RunCommandOptions): Promise<RunCommandResult> {
  const started = Date.now();
  const cap = options.maxOutputBytes ?? 1024 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", options.command], {
      cwd: options.cwd,
      env: options.env as NodeJS.ProcessEnv,
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    const collect = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > cap * 2) {
        const joined = Buffer.concat(chunks);
        chunks = [joined.subarray(joined.length - cap)];
        size = cap;
        truncated = true;
      }
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.stdin.on("error", () => {}); // the command may exit without reading its input
    child.stdin.end(options.stdin ?? "");

    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const killTree = () => {
      signalGroup(child.pid, "SIGTERM");
      killTimer = setTimeout(() => signalGroup(child.pid, "SIGKILL"), KILL_GRACE_MS);
      killTimer.unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killTree();
    }, options.timeoutMs);
    const onAbort = () => killTree();
    if (options.signal?.aborted) killTree();
    else options.signal?.addEventListener("abort", onAbort, { once: true });
    const finish = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
    };

    child.on("error", (error) => {
      finish();
      reject(error);
    });
    // Whatever the command left running in its group goes with it; a background process that
    // still holds the output pipes would otherwise keep "close" from ever firing.
    child.on("exit", () => signalGroup(child.pid, "SIGKILL"));
    child.on("close", (exitCode, signal) => {
      finish();
      if (killTimer) clearTimeout(killTimer);
      let output = Buffer.concat(chunks);
      if (output.length > cap) {
        output = output.subarray(output.length - cap);
        truncated = true;
      }
      resolve({
        exitCode,
        signal,
        timedOut,
        output: (truncated ? dropPartialCharacter(output) : output).toString("utf8"),
        truncated,
        durationMs: Date.now() - started,
      });
    });
  });
}

/** Cutting bytes off the front can split a UTF-8 character: drop its continuation bytes. */
function dropPartialCharacter(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length && start < 3 && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++;
  return bytes.subarray(start);
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
