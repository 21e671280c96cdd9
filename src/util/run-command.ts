import { spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { terminateGroup } from "./process-group.js";

export interface RunCommandOptions {
  /** A shell command line, run with /bin/sh -c. */
  command: string;
  cwd: string;
  env: Record<string, string | undefined>;
  stdin?: string;
  timeoutMs: number;
  /** Keep at most this many bytes of the output and of each stream (the end is kept). */
  maxOutputBytes?: number;
  signal?: AbortSignal;
}

export interface RunCommandResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** True when the abort signal stopped the command (never together with timedOut). */
  aborted: boolean;
  /** stdout and stderr interleaved as they arrived, trimmed to the cap. */
  output: string;
  /** stdout alone, trimmed to the cap. */
  stdout: string;
  /** stderr alone, trimmed to the cap. */
  stderr: string;
  /** True when the cap dropped the start of the output. */
  truncated: boolean;
  durationMs: number;
}

const KILL_GRACE_MS = 2000;
/** How long to wait after the exit for pipes that a process outside the group still holds. */
const PIPE_CLOSE_WAIT_MS = 500;

/**
 * Run a command in its own process group so that a timeout or an abort kills the whole tree
 * (test runners and agents start children of their own), as does the command's own exit.
 */
export function runCommand(options: RunCommandOptions): Promise<RunCommandResult> {
  const started = Date.now();
  const cap = options.maxOutputBytes ?? 1024 * 1024;
  const output = createTail(cap);
  const stdout = createTail(cap);
  const stderr = createTail(cap);
  return new Promise((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", options.command], {
      cwd: options.cwd,
      env: options.env as NodeJS.ProcessEnv,
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    child.stdout.on("data", (chunk: Buffer) => {
      output.push(chunk);
      stdout.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output.push(chunk);
      stderr.push(chunk);
    });
    child.stdin.on("error", () => {}); // the command may exit without reading its input
    child.stdin.end(options.stdin ?? "");

    let stopped: "timeout" | "abort" | undefined;
    let ending: Promise<void> | undefined;
    const endGroup = () => {
      ending ??= child.pid === undefined ? Promise.resolve() : terminateGroup(child.pid, KILL_GRACE_MS);
      return ending;
    };
    const stop = (why: "timeout" | "abort") => {
      stopped ??= why;
      void endGroup();
    };
    const timer = setTimeout(() => stop("timeout"), options.timeoutMs);
    const onAbort = () => stop("abort");
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });
    const cleanUp = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
    };

    const settle = async (exitCode: number | null, signal: NodeJS.Signals | null) => {
      // Whatever the command left running in its group goes with it.
      await endGroup();
      // A process that escaped the group may still hold the pipes; do not wait on it forever.
      const streams = [child.stdout, child.stderr];
      await streamsClosed(streams, PIPE_CLOSE_WAIT_MS);
      for (const stream of streams) stream.destroy();
      const all = output.read();
      return {
        exitCode,
        signal,
        timedOut: stopped === "timeout",
        aborted: stopped === "abort",
        output: all.text,
        stdout: stdout.read().text,
        stderr: stderr.read().text,
        truncated: all.truncated,
        durationMs: Date.now() - started,
      };
    };

    child.on("error", (error) => {
      cleanUp();
      reject(error);
    });
    child.on("exit", (exitCode, signal) => {
      // From here on the command has finished; a timer firing during cleanup is not a timeout.
      cleanUp();
      settle(exitCode, signal).then(resolve, reject);
    });
  });
}

/** Resolves when all streams have closed, or after `ms` at the latest. */
function streamsClosed(streams: Readable[], ms: number): Promise<void> {
  const closed = (stream: Readable) =>
    new Promise<void>((done) => (stream.closed ? done() : stream.once("close", done)));
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((done) => {
    timer = setTimeout(done, ms);
  });
  return Promise.race([Promise.all(streams.map(closed)), limit]).then(() => clearTimeout(timer));
}

/** Keeps the last `cap` bytes of a stream. */
function createTail(cap: number) {
  let chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  const keepEnd = (bytes: Buffer) => {
    if (bytes.length <= cap) return bytes;
    truncated = true;
    return bytes.subarray(bytes.length - cap);
  };
  return {
    push(chunk: Buffer) {
      chunks.push(chunk);
      size += chunk.length;
      if (size > 2 * cap) {
        chunks = [keepEnd(Buffer.concat(chunks))];
        size = chunks[0]?.length ?? 0;
      }
    },
    read(): { text: string; truncated: boolean } {
      const bytes = keepEnd(Buffer.concat(chunks));
      return { text: (truncated ? dropPartialCharacter(bytes) : bytes).toString("utf8"), truncated };
    },
  };
}

/** Cutting bytes off the front can split a UTF-8 character: drop its continuation bytes. */
function dropPartialCharacter(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length && start < 3 && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++;
  return bytes.subarray(start);
}
