import type { AbsorbProposal, AbsorbReport } from "../../absorb/absorb-hand-edits.js";
import { UsageError } from "../../errors.js";
import { listTargets } from "../../package/targets.js";
import { colorizePatch } from "../color-patch.js";
import { type CliIO, type CommandDef, writeJson } from "../command.js";
import { commandTargets } from "../command-targets.js";
import { wantsLiveOutput } from "../format.js";
import { createBuildProgress } from "../progress.js";
import { PACKAGE_OPTIONS, packageArgs } from "../shared-options.js";
import { splitPackage } from "../split-package.js";

/** `specprompt absorb [dir] [paths...]` */
export const absorbCommand: CommandDef = {
  name: "absorb",
  summary: "Turn hand edits into an amendment of the package (model-proposed, confirmed), then rebuild",
  usage: "specprompt absorb [dir] [paths...] [options]",
  description: [
    "For each unit with hand-edited files, the unit's chat model is shown the edit (as a diff against what the",
    "build wrote) and the unit's layers, and proposes an amendment to the package source: a behaviour in the",
    "unit prompt, a constraint in the guide, a criterion, or a change to the core. Only those files may be",
    "amended; anything else the model proposes is refused. The amendment is shown as a diff of the source and",
    "applied when you answer y (or with --yes). The hand-edited files are then copied to",
    ".specprompt/absorbed/<id>/, the package is rebuilt through the normal build (validate, refine), and each",
    "rebuilt file is compared with the hand edit. A failed rebuild keeps the amendment and leaves the output",
    "and lock as they were. Without a terminal and without --yes, the proposals are printed and nothing changes.",
    "",
    "Exit codes: 0 absorbed (or nothing to absorb), 1 an amendment declined or not confirmed, no amendment",
    "proposed, or the rebuild failed; 2 bad input (a path that is not hand-edited, an --offline cache miss).",
  ].join("\n"),
  positionals: [
    { name: "dir", description: "Package folder (default: the current folder)" },
    { name: "paths", description: "Hand-edited files or folders to absorb (default: every modified file)" },
  ],
  options: {
    ...PACKAGE_OPTIONS,
    target: {
      type: "string",
      value: "name",
      description: "The target, for a package with targets: (default: the one holding the named files)",
    },
    yes: { type: "boolean", short: "y", description: "Apply every proposed amendment without asking" },
    offline: {
      type: "boolean",
      description: "Answer every request (proposal and rebuild) from .specprompt/cache; fail on a miss",
    },
    "amend-model": {
      type: "string",
      value: "provider:model",
      description: "Propose amendments with this chat model instead of each unit's (needed for cmd: units)",
    },
    "no-color": {
      type: "boolean",
      description: "Never colour the diffs (also: NO_COLOR, or output not a terminal)",
    },
  },
  examples: [
    "specprompt absorb                          # every hand edit of the package here, asking y/N per unit",
    "specprompt absorb src/stats.js             # only this file's edit",
    "specprompt absorb examples/textstats --yes # apply without asking (scripts)",
    "specprompt absorb --json > proposal.json   # print the proposals, change nothing (exit 1)",
    "specprompt absorb --amend-model anthropic:claude-sonnet-4-5 --yes",
  ],
  async run({ values, positionals, io }) {
    const [dir, ...typed] = splitPackage(io.cwd, positionals);
    const targets = await commandTargets(values, { dir, cwd: io.cwd, paths: typed });
    if (targets.length > 1) {
      throw new UsageError(
        `absorb works on one target at a time; the package has ${targets.map((one) => one.target).join(", ")}`,
        `pass --target ${targets[0]!.target}, or name the edited files`,
      );
    }
    const { target, paths } = targets[0] ?? { target: undefined, paths: typed };
    const json = Boolean(values.json);
    const color = !json && Boolean(io.stdout.isTTY) && !io.env.NO_COLOR && !values["no-color"];
    const progress = createBuildProgress(io.stderr, { live: !json && wantsLiveOutput(io.stderr, io.env) });
    const { absorbHandEdits } = await import("../../absorb/absorb-hand-edits.js");
    let report: AbsorbReport;
    try {
      report = await absorbHandEdits({
        ...packageArgs(values, [dir]),
        target,
        cwd: io.cwd,
        env: io.env,
        paths,
        offline: Boolean(values.offline) || io.env.SPECPROMPT_OFFLINE === "1",
        amendModel: values["amend-model"] as string | undefined,
        confirm: (proposal) => confirm(io, proposal, { json, color, yes: Boolean(values.yes) }),
        reporter: json ? undefined : (event) => progress.onEvent(event),
        signal: io.signal,
      });
    } finally {
      progress.stop();
    }
    if (json) writeJson(io, report);
    else printOutcome(io, report, color);
    if (target !== undefined && !json && report.units.some((unit) => unit.accepted)) {
      // The amendment went into the package's shared source; only this target was rebuilt.
      const others = (await listTargets({ dir, cwd: io.cwd })).filter((name) => name !== target);
      if (others.length > 0)
        io.stderr.write(
          `note: target${others.length === 1 ? "" : "s"} ${others.join(", ")} may now be stale too; specprompt plan says, specprompt build rebuilds them\n`,
        );
    }
    const declined = report.units.some((unit) => !unit.accepted);
    return declined || report.build?.status === "failed" ? 1 : 0;
  },
};

async function confirm(
  io: CliIO,
  proposal: AbsorbProposal,
  how: { json: boolean; color: boolean; yes: boolean },
): Promise<boolean> {
  if (!how.json) {
    const why = proposal.summary ? `: ${proposal.summary}` : "";
    io.stderr.write(
      `unit ${proposal.unit} (${proposal.files.join(", ")}), ${proposal.model} proposes${why}\n`,
    );
    for (const refusal of proposal.refused) io.stderr.write(`  ${refusal}\n`);
    io.stdout.write(how.color ? colorizePatch(proposal.patch) : proposal.patch);
  }
  if (how.yes) return true;
  if (how.json) return false;
  if (!io.ask) {
    io.stderr.write(
      `not applied: no terminal to ask on; run again with --yes to apply the amendment to ${proposal.amended.join(", ")}\n`,
    );
    return false;
  }
  const answer = await io.ask(`apply this amendment to ${proposal.amended.join(", ")}? [y/N] `);
  return /^\s*y(es)?\s*$/i.test(answer);
}

function printOutcome(io: CliIO, report: AbsorbReport, color: boolean): void {
  for (const warning of report.warnings) io.stderr.write(`warning: ${warning}\n`);
  if (report.units.length === 0) {
    io.stderr.write(
      `${report.package.name}: no hand edits to absorb; every generated file is as the build wrote it\n`,
    );
    return;
  }
  if (report.saved) io.stderr.write(`the hand-edited files are saved in ${report.saved}/\n`);
  for (const unit of report.units) {
    if (!unit.accepted) {
      io.stderr.write(
        `unit ${unit.unit}: amendment not applied; the package and the hand edit are as they were\n`,
      );
      continue;
    }
    io.stderr.write(`unit ${unit.unit}: amended ${unit.amended.join(", ")}\n`);
    if (!unit.rebuilt) continue;
    for (const path of unit.files) {
      const remaining = unit.remaining.find((difference) => difference.path === path);
      if (!remaining) {
        io.stdout.write(
          `${path} matches the hand edit: the intent now lives in ${unit.amended.join(", ")}\n`,
        );
        continue;
      }
      io.stdout.write(`${path} differs from the hand edit after the rebuild (hand-edit/ → rebuilt/):\n`);
      io.stdout.write(color ? colorizePatch(remaining.patch) : remaining.patch);
    }
  }
  if (report.build?.status === "failed") {
    const amended = [...new Set(report.units.flatMap((unit) => (unit.accepted ? unit.amended : [])))];
    io.stderr.write(
      `rebuild failed: ${report.build.message ?? "the build did not pass"}\n` +
        `  the amendment stays in ${amended.join(", ")}; the output, the lock and your hand edits are as they were\n` +
        "  fix the package and run specprompt build --force (the hand edits are kept in the folder above)\n",
    );
  }
}
