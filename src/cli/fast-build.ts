/**
 * `specprompt build [dir] [--json]` with nothing to do, answered in CommonJS before the rest of the
 * CLI loads: bundled on its own into dist/fast/build.cjs and required by bin/specprompt.js. Node's
 * ESM loader costs several milliseconds to start, a fifth of the whole run on a package that is
 * up to date; everything else about the command (flags, errors, real builds) stays in the CLI.
 */
import { checkFreshBuild } from "../build/fresh-build.js";
import { type CliIO, writeJson } from "./command.js";
import { printBuildResult } from "./print-build.js";

/** The exit code when the freshness index answers the command, else undefined (run the CLI). */
export async function tryFastBuild(
  argv: string[],
  io: Pick<CliIO, "cwd" | "env" | "stdout" | "stderr">,
): Promise<number | undefined> {
  if (argv[0] !== "build") return undefined;
  const rest = argv.slice(1);
  const json = rest.includes("--json");
  const positionals = rest.filter((arg) => arg !== "--json");
  // Any other flag (--set, --model, --force, --watch, --help, ...) is the full command's business.
  if (positionals.length > 1 || positionals.some((arg) => arg.startsWith("-"))) return undefined;
  let result: Awaited<ReturnType<typeof checkFreshBuild>>;
  try {
    result = await checkFreshBuild({ dir: positionals[0] ?? ".", cwd: io.cwd, env: io.env });
  } catch {
    return undefined; // the full command says what is wrong
  }
  if (!result) return undefined;
  if (json) writeJson(io, result);
  else printBuildResult(io, result);
  return 0;
}
