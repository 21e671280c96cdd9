/**
 * The cmd: driver: runs a coding-agent CLI in a staging folder. The agent gets the prompt on
 * stdin and in a file; whatever it changes in the folder is its output, so we only report how
 * it ended. It runs in its own process group so a timeout ends everything it started.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { constants, tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { EXIT_GATE, SpecPromptError } from "../errors.js";
import { terminateGroup } from "./process-group.js";
import type { AgentProvider, AgentResult, AgentRun, ProviderEnv } from "./types.js";

/** How much of each output stream is kept for reports. */
export const TAIL_BYTES = 8 * 1024;
const KILL_GRACE_MS = 2000;

/** An AgentProvider for `cmd:<command line>`, run with `/bin/sh -c`. */
export function createCmdProvider(command: string, env: ProviderEnv): AgentProvider {
  return {
    kind: "agent",
    id: `cmd:${command}`,
    command,
    async run(run: AgentRun): Promise<AgentResult> {
      run.signal?.throwIfAborted();
      const dir = await mkdtemp(join(tmpdir(), "specprompt-prompt-"));
      try {
        const promptFile = join(dir, "prompt.md");
        await writeFile(promptFile, run.prompt);
        const childEnv = { ...env.env, SPECPROMPT_PROMPT_FILE: promptFile, SPECPROMPT_WORKDIR: run.cwd };
        return await runAgent(command, run, childEnv);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

function runAgent(command: string, run: AgentRun, childEnv: Record<string, string | undefined>) {
  return new Promise<AgentResult>((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", command], {
      cwd: run.cwd,
      env: childEnv,
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const stdout = createTail();
    const stderr = createTail();
    child.stdout.on("data", stdout.push);
    child.stderr.on("data", stderr.push);
    // An agent that never reads stdin closes it early; that is not our failure.
    child.stdin.on("error", () => {});
    child.stdin.end(run.prompt);

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
    const timer = setTimeout(() => stop("timeout"), run.timeoutMs);
    const onAbort = () => stop("abort");
    run.signal?.addEventListener("abort", onAbort, { once: true });
    const cleanUp = () => {
      clearTimeout(timer);
      run.signal?.removeEventListener("abort", onAbort);
    };

    child.on("error", (error) => {
      cleanUp();
      reject(
        new SpecPromptError("E_PROVIDER", `cmd: cannot start ${command}: ${error.message}`, { cause: error }),
      );
    });
    child.on("exit", async (code, signal) => {
      // From here on the agent has finished; a timer firing during cleanup is not a timeout.
      cleanUp();
      const exitCode = code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
      // Whatever the agent left running in the background must not outlive the run.
      await endGroup();
      // A process that escaped the group may still hold the pipes; do not wait on it forever.
      const streams = [child.stdout, child.stderr];
      await streamsClosed(streams, 500);
      for (const stream of streams) stream.destroy();
      if (stopped === "timeout") {
        const seconds = Math.round(run.timeoutMs / 100) / 10;
        reject(
          new SpecPromptError("E_PROVIDER", `cmd: ${command} did not finish within ${seconds}s`, {
            exitCode: EXIT_GATE,
          }),
        );
      } else if (stopped === "abort") {
        reject(run.signal?.reason);
      } else {
        resolve({ exitCode, stdoutTail: stdout.text(), stderrTail: stderr.text() });
      }
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

/** Keeps the last TAIL_BYTES of a stream. */
function createTail() {
  let chunks: Buffer[] = [];
  let size = 0;
  return {
    push: (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > 2 * TAIL_BYTES) {
        const joined = Buffer.concat(chunks).subarray(-TAIL_BYTES);
        chunks = [joined];
        size = joined.length;
      }
    },
    text: () => Buffer.concat(chunks).subarray(-TAIL_BYTES).toString("utf8"),
  };
}
