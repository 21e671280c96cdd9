/**
 * `specprompt build [dir] [--json]` with nothing to do, answered in CommonJS before the rest of the
 * CLI loads: bundled on its own into dist/fast/build.cjs and required by bin/specprompt.js. Node's
 * ESM loader costs several milliseconds to start, a fifth of the whole run on a package that is
 * up to date; everything else about the command (flags, errors, real builds) stays in the CLI.
 */
import { checkFreshBuild } from "../build/fresh-build.js";
import { noteFreshMiss } from "../build/fresh-miss.js";
import { answerFast, type FastIO } from "./fast-command.js";
import { printBuildResult } from "./print-build.js";

/** The exit code when the freshness index answers the command, else undefined (run the CLI). */
export function tryFastBuild(argv: string[], io: FastIO): Promise<number | undefined> {
  return answerFast(
    argv,
    io,
    "build",
    async (dir) => {
      const fresh = await checkFreshBuild({ dir, cwd: io.cwd, env: io.env });
      if (!fresh) noteFreshMiss(); // the CLI runs this build next and need not ask again
      return fresh;
    },
    printBuildResult,
  );
}

export { fdOutput } from "./fast-output.js";
