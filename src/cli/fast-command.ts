import { type CliIO, writeJson } from "./command.js";

/** What a fast path of bin/specprompt.js gets of the process. */
export type FastIO = Pick<CliIO, "cwd" | "env" | "stdout" | "stderr">;

/**
 * Answer `<command> [dir] [--json]` in one of bin/specprompt.js's fast paths: `answer` gives the
 * command's result for the folder, printed as the command prints it (`print`, or the JSON
 * document). Undefined, and the CLI runs the command, for any other argument or flag, an error,
 * or when `answer` has no result.
 */
export async function answerFast<T>(
  argv: string[],
  io: FastIO,
  command: string,
  answer: (dir: string) => Promise<T | undefined>,
  print: (io: FastIO, result: T) => void,
): Promise<number | undefined> {
  if (argv[0] !== command) return undefined;
  const rest = argv.slice(1);
  const positionals = rest.filter((arg) => arg !== "--json");
  // Any other flag (--set, --model, --target, --help, ...) is the full command's business.
  if (positionals.length > 1 || positionals.some((arg) => arg.startsWith("-"))) return undefined;
  let result: T | undefined;
  try {
    result = await answer(positionals[0] ?? ".");
  } catch {
    return undefined; // the full command says what is wrong
  }
  if (result === undefined) return undefined;
  if (positionals.length < rest.length) writeJson(io, result);
  else print(io, result);
  return 0;
}
