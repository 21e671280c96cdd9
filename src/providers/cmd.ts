/**
 * The cmd: driver: runs a coding-agent CLI in a staging folder. The agent gets the prompt on
 * stdin and in a file; whatever it changes in the folder is its output, so we only report how
 * it ended. runCommand runs it in its own process group so a timeout ends everything it started.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { constants, tmpdir } from "node:os";
import { join } from "node:path";
import { EXIT_GATE, SpecPromptError } from "../errors.js";
import { type RunCommandResult, runCommand } from "../util/run-command.js";
import type { AgentProvider, AgentResult, AgentRun, ProviderEnv } from "./types.js";

/** How much of each output stream is kept for reports. */
export const TAIL_BYTES = 8 * 1024;

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
        const result = await runCommand({
          command,
          cwd: run.cwd,
          env: { ...env.env, SPECPROMPT_PROMPT_FILE: promptFile, SPECPROMPT_WORKDIR: run.cwd },
          stdin: run.prompt,
          timeoutMs: run.timeoutMs,
          maxOutputBytes: TAIL_BYTES,
          signal: run.signal,
        }).catch((error: Error) => {
          throw new SpecPromptError("E_PROVIDER", `cmd: cannot start ${command}: ${error.message}`, {
            cause: error,
          });
        });
        if (result.timedOut) {
          const seconds = Math.round(run.timeoutMs / 100) / 10;
          throw new SpecPromptError("E_PROVIDER", `cmd: ${command} did not finish within ${seconds}s`, {
            exitCode: EXIT_GATE,
          });
        }
        if (result.aborted) throw run.signal?.reason;
        return { exitCode: exitCodeOf(result), stdoutTail: result.stdout, stderrTail: result.stderr };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A shell-style exit code: 128 + the signal number when a signal ended the agent. */
function exitCodeOf(result: RunCommandResult): number {
  if (result.exitCode !== null) return result.exitCode;
  return 128 + (result.signal ? (constants.signals[result.signal] ?? 0) : 0);
}
