import { UsageError } from "../../errors.js";
import { readLog } from "../../versions/read-log.js";
import { type CommandDef, writeJson } from "../command.js";
import { describeChange } from "./version.js";

/** `specprompt log [dir]` */
export const logCommand: CommandDef = {
  name: "log",
  summary: "List the package's versions with dates, whys and the layers each changed",
  usage: "specprompt log [dir] [options]",
  description:
    "Reads CHANGELOG.md (written by `specprompt version`) and, in a git repository, the tags <name>@<version>.",
  positionals: [{ name: "dir", description: "Package folder (default: the current folder)" }],
  options: {},
  examples: ["specprompt log", "specprompt log examples/textstats --json"],
  async run({ values, positionals, io }) {
    if (positionals.length > 1) throw new UsageError("log takes at most one folder", "specprompt log [dir]");
    const report = await readLog({ dir: positionals[0] ?? ".", cwd: io.cwd });
    if (values.json) {
      writeJson(io, report);
      return 0;
    }
    if (report.versions.length === 0) {
      io.stdout.write(`${report.name}@${report.version}: no versions yet (specprompt version makes one)\n`);
      return 0;
    }
    const lines: string[] = [];
    for (const entry of report.versions) {
      const tag = entry.tag ? `  ${entry.tag} ${entry.commit?.slice(0, 12)}` : "  (no tag)";
      lines.push(`${entry.version}  ${entry.date}${tag}`);
      for (const line of entry.why.split("\n")) lines.push(`    ${line}`);
      if (entry.since === undefined) lines.push("    first version");
      else lines.push(...entry.changes.map((change) => `    ${describeChange(change)}`));
      lines.push("");
    }
    io.stdout.write(`${lines.join("\n")}`);
    return 0;
  },
};
