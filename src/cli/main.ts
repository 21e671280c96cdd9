import { EXIT_BAD_INPUT, formatError, isSpecPromptError } from "../errors.js";
import { findClosestName } from "../util/closest-name.js";
import { VERSION } from "../version.js";
import { type CliIO, parseCommandArgs, renderCommandHelp, writeJson } from "./command.js";
// `build` is the command run most often and the one whose no-op run is benchmarked against
// `node -e 0`: it is bundled with main so that run loads one module fewer and shares no chunk.
import { buildCommand } from "./commands/build.js";
import { COMMANDS, renderMainHelp } from "./commands.js";

/** Run the CLI with `argv` (without node and script); returns the exit code. Never exits itself. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    const target = first === "help" ? rest[0] : undefined;
    if (target && COMMANDS[target]) {
      io.stdout.write(renderCommandHelp(await COMMANDS[target].load()));
      return 0;
    }
    io.stdout.write(renderMainHelp());
    return first === undefined ? EXIT_BAD_INPUT : 0;
  }
  if (first === "--version" || first === "-v") {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const entry = COMMANDS[first];
  const json = rest.includes("--json");
  if (!entry) {
    const suggestion = findClosestName(first, Object.keys(COMMANDS));
    return fail(io, json, {
      code: "E_USAGE",
      message: `unknown command '${first}'`,
      hint: suggestion
        ? `did you mean 'specprompt ${suggestion}'?`
        : "run specprompt --help to see the commands",
    });
  }
  try {
    const def = first === "build" ? buildCommand : await entry.load();
    const { values, positionals } = parseCommandArgs(def, rest);
    if (values.help) {
      io.stdout.write(renderCommandHelp(def));
      return 0;
    }
    return await def.run({ values, positionals, io });
  } catch (error) {
    if (isSpecPromptError(error)) {
      if (json) {
        writeJson(io, {
          error: { code: error.code, message: error.message, hint: error.hint, location: error.location },
        });
      } else {
        io.stderr.write(`specprompt ${first}: ${formatError(error)}\n`);
      }
      return error.exitCode;
    }
    if ((error as Error)?.name === "AbortError" || io.signal?.aborted) {
      io.stderr.write(`specprompt ${first}: interrupted; nothing was written\n`);
      return 130;
    }
    io.stderr.write(
      `specprompt ${first}: internal error — this is a bug; please report it with the output below\n${(error as Error)?.stack ?? String(error)}\n`,
    );
    return 70;
  }
}

function fail(io: CliIO, json: boolean, error: { code: string; message: string; hint?: string }): number {
  if (json) writeJson(io, { error });
  else io.stderr.write(`specprompt: ${error.message}${error.hint ? `\n  hint: ${error.hint}` : ""}\n`);
  return EXIT_BAD_INPUT;
}
