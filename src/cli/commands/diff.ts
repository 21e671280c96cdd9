import { type DiffReport, diffHandEdits } from "../../drift/diff-hand-edits.js";
import { colorizePatch } from "../color-patch.js";
import { type CliIO, type CommandDef, writeJson } from "../command.js";
import { PACKAGE_OPTIONS, packageArgs } from "../shared-options.js";
import { splitPackage } from "../split-package.js";

/** `specprompt diff [dir] [paths...]` */
export const diffCommand: CommandDef = {
  name: "diff",
  summary: "Show hand edits of generated files as a diff against what the build wrote",
  usage: "specprompt diff [dir] [paths...] [options]",
  description: [
    "Prints a unified diff for every generated file that was edited or deleted by hand since the build wrote it.",
    "What the build wrote comes from .specprompt/objects (or is replayed from .specprompt/cache). The first",
    "argument is the package when it holds a specprompt.yaml; the others narrow the diff to files or folders.",
  ].join("\n"),
  positionals: [
    { name: "dir", description: "Package folder (default: the current folder)" },
    { name: "paths", description: "Generated files or folders to show (default: all)" },
  ],
  options: {
    ...PACKAGE_OPTIONS,
    "no-color": {
      type: "boolean",
      description: "Never colour the diff (also: NO_COLOR, or output not a terminal)",
    },
  },
  examples: [
    "specprompt diff",
    "specprompt diff examples/textstats src/stats.js",
    "specprompt diff --json | jq '.files[].hunks'",
  ],
  async run({ values, positionals, io }) {
    const [dir, ...paths] = splitPackage(io.cwd, positionals);
    const report = await diffHandEdits({ ...packageArgs(values, [dir]), cwd: io.cwd, env: io.env, paths });
    if (values.json) writeJson(io, report);
    else printDiff(io, report, Boolean(io.stdout.isTTY) && !io.env.NO_COLOR && !values["no-color"]);
    return report.files.some((file) => file.error) ? 2 : 0;
  },
};

function printDiff(io: CliIO, report: DiffReport, color: boolean): void {
  if (report.files.length === 0) {
    io.stderr.write(`${report.package.name}: no hand edits; every generated file is as the build wrote it\n`);
    return;
  }
  for (const file of report.files) {
    if (file.error) {
      io.stderr.write(
        `specprompt diff: ${file.path} (unit ${file.unit}): ${file.error}\n  hint: commit .specprompt/objects with the lock so every clone has what the build wrote\n`,
      );
      continue;
    }
    io.stdout.write(color ? colorizePatch(file.patch) : file.patch);
  }
}
