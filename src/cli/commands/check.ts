import { type CheckReport, runCheck } from "../../drift/run-check.js";
import { type CliIO, type CommandDef, writeJson } from "../command.js";
import { commandTargets, runPerTarget } from "../command-targets.js";
import { PACKAGE_OPTIONS, packageArgs, TARGET_OPTION } from "../shared-options.js";

/** `specprompt check [dir]` */
export const checkCommand: CommandDef = {
  name: "check",
  summary: "CI gate: manifest valid, nothing stale, no hand edits, last validation passed, criteria covered",
  usage: "specprompt check [dir] [options]",
  description: [
    "Checks, without a model: the manifest is valid; no unit is stale and the lock is current; no generated",
    "file was edited or deleted by hand; the last build's validation passed (as the lock records it); and,",
    "with validation.requireCoverage: true, every acceptance criterion id (AC-1, ...) is named by a test.",
    "Exits 1 listing every failed item, 0 when all pass.",
  ].join("\n"),
  positionals: [{ name: "dir", description: "Package folder (default: the current folder)" }],
  options: { ...PACKAGE_OPTIONS, ...TARGET_OPTION },
  examples: [
    "specprompt check",
    "specprompt check examples/textstats --json",
    "specprompt check --target py      # one target of a package with targets:",
  ],
  async run({ values, positionals, io }) {
    const args = { ...packageArgs(values, positionals), cwd: io.cwd, env: io.env };
    const { results: reports, notBuilt } = await runPerTarget(
      await commandTargets(values, args),
      async ({ target }): Promise<CheckReport> => {
        const report = await runCheck({ ...args, target });
        return target === undefined ? report : { ...report, target };
      },
    );
    // A target never built fails the gate like a stale one: its output is not what the package says.
    for (const error of notBuilt) {
      reports.push({
        package: reports[0]!.package,
        target: error.target,
        passed: false,
        checks: [
          { check: "stale", status: "fail", message: error.message, details: [`hint: ${error.hint}`] },
        ],
        warnings: [],
      });
    }
    const passed = reports.every((report) => report.passed);
    // A package with targets is checked target by target, each report shaped as without targets.
    if (values.json)
      writeJson(io, reports[0]?.target === undefined ? reports[0] : { passed, targets: reports });
    else for (const report of reports) printCheck(io, report);
    return passed ? 0 : 1;
  },
};

const LABELS = { pass: "ok  ", fail: "FAIL", skip: "skip" } as const;

function printCheck(io: CliIO, report: CheckReport): void {
  for (const warning of report.warnings) io.stderr.write(`warning: ${warning}\n`);
  const target = report.target === undefined ? "" : ` (target ${report.target})`;
  const name = report.package
    ? `${report.package.name}@${report.package.version}${target}`
    : "specprompt.yaml";
  const failed = report.checks.filter((item) => item.status === "fail").length;
  const lines = [
    report.passed
      ? `${name}: check passed`
      : `${name}: check failed (${failed} of ${report.checks.length} checks)`,
  ];
  const width = Math.max(...report.checks.map((item) => item.check.length));
  for (const item of report.checks) {
    lines.push(`  ${LABELS[item.status]}  ${item.check.padEnd(width)}  ${item.message}`);
    for (const detail of item.details) lines.push(`        ${"".padEnd(width)}    ${detail}`);
  }
  io.stdout.write(`${lines.join("\n")}\n`);
}
