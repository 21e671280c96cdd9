import { type DiffReport, diffHandEdits } from "../../drift/diff-hand-edits.js";
import { UsageError } from "../../errors.js";
import { parseSetFlags } from "../../package/render-params.js";
import { detectSides } from "../../versions/diff-sides.js";
import { formatSemanticDiff } from "../../versions/format-semantic-diff.js";
import { semanticDiff } from "../../versions/semantic-diff.js";
import { colorizePatch } from "../color-patch.js";
import { type CliIO, type CommandDef, writeJson } from "../command.js";
import { commandTargets, runPerTarget } from "../command-targets.js";
import { PACKAGE_OPTIONS, packageArgs, TARGET_OPTION, targetArgs } from "../shared-options.js";
import { splitPackage } from "../split-package.js";

/** `specprompt diff [dir] [paths...]` */
export const diffCommand: CommandDef = {
  name: "diff",
  summary: "Show hand edits of generated files, or what changed between two versions of a package",
  usage: "specprompt diff [dir] [paths...] [options]\n       specprompt diff <a> <b> [options]",
  description: [
    "Prints a unified diff for every generated file that was edited or deleted by hand since the build wrote it.",
    "What the build wrote comes from .specprompt/objects (or is replayed from .specprompt/cache). The first",
    "argument is the package when it holds a specprompt.yaml; the others narrow the diff to files or folders.",
    "",
    "With exactly two arguments that are each a package folder, a <name>@<version> or a git ref (and neither",
    "an existing file or folder without a specprompt.yaml), it is a semantic diff from a to b instead: layers",
    "and their ## sections (imported layers too, as @alias/...), imports, params, model, units added and",
    "removed, and which units would regenerate. A version or ref is read from git with the libraries it",
    "imports at that commit; one that cannot be found there is left out of that side, with a warning.",
  ].join("\n"),
  positionals: [
    { name: "dir", description: "Package folder (default: the current folder)" },
    { name: "paths", description: "Generated files or folders to show (default: all)" },
  ],
  options: {
    ...PACKAGE_OPTIONS,
    ...TARGET_OPTION,
    "no-color": {
      type: "boolean",
      description: "Never colour the diff (also: NO_COLOR, or output not a terminal)",
    },
  },
  examples: [
    "specprompt diff",
    "specprompt diff examples/textstats src/stats.js",
    "specprompt diff --json | jq '.files[].hunks'",
    "specprompt diff textstats@0.3.0 textstats@0.4.0",
    "specprompt diff HEAD~1 . --json | jq '.units.regenerate'",
  ],
  async run({ values, positionals, io }) {
    const sides = await detectSides(io.cwd, positionals);
    if (sides) {
      const report = await semanticDiff({
        a: sides[0],
        b: sides[1],
        cwd: io.cwd,
        env: io.env,
        set: parseSetFlags((values.set as string[] | undefined) ?? []),
        model: values.model as string | undefined,
        target: oneTarget(targetArgs(values)),
      });
      if (values.json) writeJson(io, report);
      else {
        for (const warning of report.warnings) io.stderr.write(`warning: ${warning}\n`);
        io.stdout.write(formatSemanticDiff(report, useColor(io, values)));
      }
      return 0;
    }
    const [dir, ...paths] = splitPackage(io.cwd, positionals);
    const args = { ...packageArgs(values, [dir]), cwd: io.cwd, env: io.env, paths };
    const { results: reports, notBuilt } = await runPerTarget(
      await commandTargets(values, args),
      ({ target, paths: mine }) => diffHandEdits({ ...args, target, paths: mine }),
    );
    for (const error of notBuilt) io.stderr.write(`specprompt diff: ${error.message}\n`);
    // A package with targets gets one report per target, each shaped as without targets.
    if (values.json) writeJson(io, reports[0]?.target === undefined ? reports[0] : { targets: reports });
    else for (const report of reports) printDiff(io, report, useColor(io, values));
    return reports.some((report) => report.files.some((file) => file.error)) ? 2 : 0;
  },
};

function useColor(io: CliIO, values: Record<string, unknown>): boolean {
  return Boolean(io.stdout.isTTY) && !io.env.NO_COLOR && !values["no-color"];
}

function printDiff(io: CliIO, report: DiffReport, color: boolean): void {
  if (report.files.length === 0) {
    const target = report.target === undefined ? "" : ` (target ${report.target})`;
    io.stderr.write(
      `${report.package.name}${target}: no hand edits; every generated file is as the build wrote it\n`,
    );
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

/** `diff <a> <b>` compares one target of packages with targets: the one named, else the first. */
function oneTarget(targets: string[] | undefined): string | undefined {
  if (targets && targets.length > 1)
    throw new UsageError(
      `diff <a> <b> compares one target at a time, not ${targets.join(", ")}`,
      `run it once per target: --target ${targets[0]}`,
    );
  return targets?.[0];
}
