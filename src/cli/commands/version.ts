import { UsageError } from "../../errors.js";
import type { LayerChange } from "../../versions/changelog.js";
import { versionPackage } from "../../versions/version-package.js";
import { type CommandDef, writeJson } from "../command.js";

/** `specprompt version <patch|minor|major|x.y.z> -m "why" [dir]` */
export const versionCommand: CommandDef = {
  name: "version",
  summary: "Bump the package version with a why: CHANGELOG.md entry, git commit and tag",
  usage: 'specprompt version <patch|minor|major|x.y.z> -m "why" [dir] [options]',
  description: [
    "Bumps version: in specprompt.yaml (comments and formatting kept), adds an entry to the package's",
    "CHANGELOG.md (version, date, the why, and the layers and Markdown sections changed since the last",
    "version's tag <name>@<version>), and inside a git repository commits both and tags <name>@<new version>.",
    "Refuses when nothing changed since the last version, or when files other than the package's source",
    "(manifest, layers, CHANGELOG.md, specprompt.lock) have uncommitted changes.",
  ].join("\n"),
  positionals: [
    { name: "bump", description: "patch, minor, major, or an explicit version x.y.z" },
    { name: "dir", description: "Package folder (default: the current folder)" },
  ],
  options: {
    message: {
      type: "string",
      short: "m",
      value: "why",
      description: "Why this version: the changelog entry",
    },
    "allow-dirty": {
      type: "boolean",
      description: "Version even when unrelated files have uncommitted changes",
    },
  },
  examples: [
    'specprompt version minor -m "count words in any script"',
    'specprompt version 1.0.0 -m "stable" examples/textstats --json',
  ],
  async run({ values, positionals, io }) {
    const [bump, dir = ".", ...rest] = positionals;
    if (!bump || rest.length > 0)
      throw new UsageError(
        "version takes a bump and an optional folder",
        'specprompt version patch -m "why"',
      );
    if (typeof values.message !== "string")
      throw new UsageError("version needs the why of the change", 'specprompt version patch -m "why"');
    const result = await versionPackage({
      dir,
      cwd: io.cwd,
      bump,
      why: values.message,
      allowDirty: values["allow-dirty"] === true,
    });
    if (values.json) {
      const { name, from, to, changed, tag, commit } = result;
      writeJson(io, { name, from, to, changed, tag, commit });
      return 0;
    }
    const lines = [`${result.name} ${result.from} → ${result.to}`];
    if (result.first) lines.push("  first version");
    else lines.push(...result.changed.map((change) => `  ${describeChange(change)}`));
    lines.push(
      result.tag
        ? `committed ${result.commit!.slice(0, 12)} and tagged ${result.tag}`
        : "not in a git repository: CHANGELOG.md and the manifest were updated, nothing committed",
    );
    io.stdout.write(`${lines.join("\n")}\n`);
    return 0;
  },
};

/** `changed core.md (sections added "X")` */
export function describeChange(change: LayerChange): string {
  const parts: string[] = [];
  for (const kind of ["added", "removed", "changed"] as const) {
    const titles = change.sections?.[kind] ?? [];
    if (titles.length > 0) parts.push(`${kind} ${titles.map((title) => JSON.stringify(title)).join(", ")}`);
  }
  return `${change.status.padEnd(8)}${change.path}${parts.length > 0 ? `  (sections ${parts.join("; ")})` : ""}`;
}
