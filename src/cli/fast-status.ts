/**
 * `specprompt status [dir] [--json]` answered from the status index in CommonJS before the rest of
 * the CLI loads: bundled on its own into dist/fast/status.cjs and required by bin/specprompt.js.
 * Node's ESM loader and the CLI's modules took about 15 ms of such a run on Node 20. Anything the
 * index cannot answer (an input or a listed folder moved, any other flag) goes to the CLI, which
 * prints the same report through the same printStatus.
 */
import { readIndexedStatus } from "../drift/indexed-status.js";
import { answerFast, type FastIO } from "./fast-command.js";
import { printStatus } from "./print-status.js";

/** The exit code when the status index answers the command, else undefined (run the CLI). */
export function tryFastStatus(argv: string[], io: FastIO): Promise<number | undefined> {
  return answerFast(
    argv,
    io,
    "status",
    (dir) => readIndexedStatus({ dir, cwd: io.cwd, env: io.env }),
    printStatus,
  );
}

export { fdOutput } from "./fast-output.js";
