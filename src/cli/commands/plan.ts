import { planPackage } from "../../build/inspect-package.js";
import { listTargets } from "../../package/targets.js";
import { type CliIO, type CommandDef, writeJson } from "../command.js";
import { PACKAGE_OPTIONS, packageArgs, TARGET_OPTION, targetArgs } from "../shared-options.js";

/** `specprompt plan [dir]` */
export const planCommand: CommandDef = {
  name: "plan",
  summary: "Show which units would regenerate and why, without a model",
  usage: "specprompt plan [dir] [options]",
  description:
    "Compares every unit's inputs with specprompt.lock. Makes no model request and writes nothing.",
  positionals: [{ name: "dir", description: "Package folder (default: the current folder)" }],
  options: { ...PACKAGE_OPTIONS, ...TARGET_OPTION },
  examples: [
    "specprompt plan",
    "specprompt plan --model openai:gpt-4.1 --json",
    "specprompt plan --target py      # one target of a package with targets:",
  ],
  async run({ values, positionals, io }) {
    const args = { ...packageArgs(values, positionals), cwd: io.cwd, env: io.env };
    const targets = await listTargets({ ...args, targets: targetArgs(values) });
    const plans = [];
    for (const target of targets) plans.push(await planPackage({ ...args, target }));
    if (values.json) {
      const shown = plans.map(({ pkg, plan, warnings }) => ({
        package: { name: pkg.manifest.name, version: pkg.manifest.version },
        ...(pkg.target !== undefined && { target: pkg.target }),
        units: plan.units,
        removedUnits: plan.removedUnits,
        warnings,
      }));
      // A package with targets gets one plan per target, each shaped like a plan without targets.
      writeJson(io, targets[0] === undefined ? shown[0] : { package: shown[0]!.package, targets: shown });
      return 0;
    }
    for (const planned of plans) printPlan(io, planned);
    return 0;
  },
};

function printPlan(io: CliIO, { pkg, plan, warnings }: Awaited<ReturnType<typeof planPackage>>): void {
  const stale = plan.units.filter((unit) => unit.action !== "keep");
  for (const warning of warnings) io.stderr.write(`warning: ${warning}\n`);
  const target = pkg.target === undefined ? "" : ` (target ${pkg.target})`;
  const name = `${pkg.manifest.name}@${pkg.manifest.version}${target}`;
  if (stale.length === 0 && plan.removedUnits.length === 0) {
    io.stdout.write(`${name}: up to date — a build would make no model request\n`);
    return;
  }
  io.stdout.write(`${name}: ${stale.length} of ${plan.units.length} units would regenerate\n`);
  const width = Math.max(...plan.units.map((unit) => unit.unit.length));
  for (const unit of plan.units) {
    if (unit.action === "keep") continue;
    io.stdout.write(`  ${unit.unit.padEnd(width)}  ${unit.action.padEnd(8)}  ${unit.reasons.join("; ")}\n`);
  }
  for (const removed of plan.removedUnits)
    io.stdout.write(`  ${removed.padEnd(width)}  remove    no longer in the manifest\n`);
}
