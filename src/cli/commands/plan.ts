import { planPackage } from "../../build/inspect-package.js";
import { type CommandDef, writeJson } from "../command.js";
import { PACKAGE_OPTIONS, packageArgs } from "../shared-options.js";

/** `specprompt plan [dir]` */
export const planCommand: CommandDef = {
  name: "plan",
  summary: "Show which units would regenerate and why, without a model",
  usage: "specprompt plan [dir] [options]",
  description:
    "Compares every unit's inputs with specprompt.lock. Makes no model request and writes nothing.",
  positionals: [{ name: "dir", description: "Package folder (default: the current folder)" }],
  options: { ...PACKAGE_OPTIONS },
  examples: ["specprompt plan", "specprompt plan --model openai:gpt-4.1 --json"],
  async run({ values, positionals, io }) {
    const { pkg, plan, warnings } = await planPackage({
      ...packageArgs(values, positionals),
      cwd: io.cwd,
      env: io.env,
    });
    const stale = plan.units.filter((unit) => unit.action !== "keep");
    if (values.json) {
      writeJson(io, {
        package: { name: pkg.manifest.name, version: pkg.manifest.version },
        units: plan.units,
        removedUnits: plan.removedUnits,
        warnings,
      });
      return 0;
    }
    for (const warning of warnings) io.stderr.write(`warning: ${warning}\n`);
    const name = `${pkg.manifest.name}@${pkg.manifest.version}`;
    if (stale.length === 0 && plan.removedUnits.length === 0) {
      io.stdout.write(`${name}: up to date — a build would make no model request\n`);
      return 0;
    }
    io.stdout.write(`${name}: ${stale.length} of ${plan.units.length} units would regenerate\n`);
    const width = Math.max(...plan.units.map((unit) => unit.unit.length));
    for (const unit of plan.units) {
      if (unit.action === "keep") continue;
      io.stdout.write(`  ${unit.unit.padEnd(width)}  ${unit.action.padEnd(8)}  ${unit.reasons.join("; ")}\n`);
    }
    for (const removed of plan.removedUnits)
      io.stdout.write(`  ${removed.padEnd(width)}  remove    no longer in the manifest\n`);
    return 0;
  },
};
