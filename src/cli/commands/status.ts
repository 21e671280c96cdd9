import { readStatus } from "../../drift/read-status.js";
import type { StatusReport } from "../../drift/status-types.js";
import { type CommandDef, writeJson } from "../command.js";
import { commandTargets, runPerTarget } from "../command-targets.js";
import { printStatus } from "../print-status.js";
import { PACKAGE_OPTIONS, packageArgs, TARGET_OPTION } from "../shared-options.js";

/** `specprompt status [dir]` */
export const statusCommand: CommandDef = {
  name: "status",
  summary: "Show hand-edited, missing and untracked files and stale units, without a model",
  usage: "specprompt status [dir] [options]",
  description: [
    "Compares the output tree with specprompt.lock: every generated file is clean, modified (edited by hand)",
    "or missing; files in owned paths that no build wrote are untracked. Units whose inputs changed since the",
    "lock are stale, with the input that changed. Always exits 0; `specprompt check` is the gate.",
  ].join("\n"),
  positionals: [{ name: "dir", description: "Package folder (default: the current folder)" }],
  options: { ...PACKAGE_OPTIONS, ...TARGET_OPTION },
  examples: [
    "specprompt status",
    "specprompt status examples/textstats --json",
    "specprompt status --target py     # one target of a package with targets:",
  ],
  async run({ values, positionals, io }) {
    const args = { ...packageArgs(values, positionals), cwd: io.cwd, env: io.env };
    const { results: reports, notBuilt } = await runPerTarget(
      await commandTargets(values, args),
      async ({ target }): Promise<StatusReport> => {
        const report = await readStatus({ ...args, target });
        return target === undefined ? report : { ...report, target };
      },
    );
    // A package with targets gets one report per target, each shaped as without targets, and
    // the targets never built.
    if (values.json) {
      writeJson(
        io,
        reports[0]?.target === undefined
          ? reports[0]
          : { targets: reports, notBuilt: notBuilt.map((error) => error.target) },
      );
      return 0;
    }
    for (const report of reports) printStatus(io, report);
    for (const error of notBuilt) io.stdout.write(`${error.message}\n  hint: ${error.hint}\n`);
    return 0;
  },
};
