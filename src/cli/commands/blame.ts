import { type BlameReport, blameFile, parseFileArgument } from "../../drift/blame-file.js";
import { UsageError } from "../../errors.js";
import { type CliIO, type CommandDef, writeJson } from "../command.js";
import { PACKAGE_OPTIONS, packageArgs } from "../shared-options.js";

/** `specprompt blame <file>[:line]` */
export const blameCommand: CommandDef = {
  name: "blame",
  summary: "Show which unit, layers, model and build made a generated file (or line)",
  usage: "specprompt blame <file>[:line] [options]",
  description: [
    "Traces a file of the output tree to what made it: the unit, the package version, every layer with the hash",
    "the build used (and whether it changed since), the model and its parameters, the build and the round that",
    "wrote it, and the acceptance criteria whose tests cover the unit. With :line, also whether that line is as",
    "the build wrote it or a hand edit. The package is the nearest folder above the file with a specprompt.yaml.",
  ].join("\n"),
  positionals: [{ name: "file[:line]", description: "A generated file, optionally with a line number" }],
  options: { ...PACKAGE_OPTIONS },
  examples: ["specprompt blame src/stats.js", "specprompt blame examples/textstats/src/stats.js:12 --json"],
  async run({ values, positionals, io }) {
    if (positionals.length !== 1)
      throw new UsageError("blame takes one file", "specprompt blame src/stats.js:12");
    const { file, line } = parseFileArgument(positionals[0]!);
    const { set, model } = packageArgs(values, []);
    const report = await blameFile({ file, line, set, model, cwd: io.cwd, env: io.env });
    if (values.json) writeJson(io, report);
    else printBlame(io, positionals[0]!, report);
    return 0;
  },
};

const ORIGIN = {
  generated: "as the build wrote it",
  "hand-edit": "a hand edit (not what the build wrote)",
  "hand-written": "hand-written",
  unknown: "unknown (what the build wrote cannot be reconstructed)",
} as const;

function printBlame(io: CliIO, typed: string, report: BlameReport): void {
  const lines: string[] = [];
  const state = {
    clean: "generated, unchanged since the build",
    modified: "generated, edited by hand since the build",
    missing: "generated, deleted since the build",
    handwritten: "hand-written (handwritten: in the manifest); read by every unit, never generated",
  }[report.state];
  lines.push(`${typed}: ${state}`);
  if (report.line)
    lines.push(`  line ${report.line.number}: ${ORIGIN[report.line.origin]}`, `  | ${report.line.text}`);
  const row = (label: string, text: string) => lines.push(`${label.padEnd(10)}${text}`);
  const target = report.package.target === undefined ? "" : ` (target ${report.package.target})`;
  row("package", `${report.package.name}@${report.package.version}${target}`);
  if (report.unit === undefined) {
    io.stdout.write(`${lines.join("\n")}\n`);
    return;
  }
  row("unit", report.unit);
  row("model", `${report.model} ${JSON.stringify(report.modelParams)}`);
  const round =
    report.iteration !== undefined
      ? `, round ${report.iteration} of ${report.iterations}`
      : `, ${report.iterations} round(s)`;
  row("build", `${report.build!.id} at ${report.build!.time}${round}`);
  const width = Math.max(...report.layers.map((layer) => layer.path.length));
  report.layers.forEach((layer, i) => {
    const text = `${layer.kind.padEnd(12)}${layer.path.padEnd(width)}  ${layer.hash.slice(0, 12)}${layer.changed ? "  changed since" : ""}`;
    row(i === 0 ? "layers" : "", text);
  });
  if (report.criteria.length === 0) row("criteria", "no test that imports this unit names a criterion id");
  report.criteria.forEach((criterion, i) => {
    row(
      i === 0 ? "criteria" : "",
      `${criterion.id} ${criterion.title} (${criterion.tests.length} test${criterion.tests.length === 1 ? "" : "s"})`,
    );
  });
  row(
    "requests",
    `${report.requests.length}: specprompt prompt --from-lock --unit ${report.unit}${report.package.target === undefined ? "" : ` --target ${report.package.target}`} shows them`,
  );
  io.stdout.write(`${lines.join("\n")}\n`);
}
