import { UsageError } from "../../errors.js";
import { checkoutVersion } from "../../versions/checkout-version.js";
import { type CommandDef, writeJson } from "../command.js";

/** `specprompt checkout <name>@<version> [dir]` */
export const checkoutCommand: CommandDef = {
  name: "checkout",
  summary: "Restore the package's source files as of a version; the next build restores its output",
  usage: "specprompt checkout <name>@<version> [dir] [options]",
  description: [
    "Restores specprompt.yaml, every layer that version's manifest names, CHANGELOG.md and specprompt.lock",
    "from the tag <name>@<version> (or the last commit whose manifest has that version). Generated files",
    "are not taken from git: those exactly as the last build wrote them but different at that version are",
    "removed, and `specprompt build` brings back the version's bytes from the output store and cache",
    "(`build --offline` proves no model is needed). Refuses when the source files have uncommitted changes.",
  ].join("\n"),
  positionals: [
    { name: "name@version", description: "The version to restore, e.g. textstats@0.2.0" },
    { name: "dir", description: "Package folder (default: the current folder)" },
  ],
  options: {
    force: { type: "boolean", description: "Discard uncommitted changes to the package's source files" },
  },
  examples: ["specprompt checkout textstats@0.2.0 && specprompt build --offline"],
  async run({ values, positionals, io }) {
    const [spec, dir = ".", ...rest] = positionals;
    if (!spec || rest.length > 0)
      throw new UsageError(
        "checkout takes <name>@<version> and an optional folder",
        "specprompt checkout textstats@0.2.0",
      );
    const result = await checkoutVersion({ spec, dir, cwd: io.cwd, force: values.force === true });
    if (values.json) {
      writeJson(io, result);
      return 0;
    }
    const from = result.tag ?? `commit ${result.commit.slice(0, 12)}`;
    const lines = [
      `restored ${result.name}@${result.version} from ${from}: ${result.restored.length} source file(s)`,
    ];
    if (result.deleted.length > 0) lines.push(`deleted (not in that version): ${result.deleted.join(", ")}`);
    if (result.outputsToRestore.length > 0)
      lines.push(`generated files to restore: ${result.outputsToRestore.join(", ")}`);
    lines.push(
      "next: run `specprompt build` — it restores that version's output from the cache without a model",
      "(`specprompt build --offline` to be sure), or says which units would need regenerating",
    );
    io.stdout.write(`${lines.join("\n")}\n`);
    return 0;
  },
};
