import { relative } from "node:path";
import { UsageError } from "../../errors.js";
import { scaffoldPackage } from "../../init/scaffold-package.js";
import { type CommandDef, writeJson } from "../command.js";

/** `specprompt init <dir>` */
export const initCommand: CommandDef = {
  name: "init",
  summary: "Create a new package",
  usage: "specprompt init <dir> [options]",
  description:
    "Scaffolds a package: manifest, core prompt, guide, acceptance criteria, one unit and one test.\nIt builds as it is once a model is configured (OPENAI_API_KEY, or --model).",
  positionals: [{ name: "dir", description: "Folder to create (its name is the package name)" }],
  options: {
    name: { type: "string", value: "name", description: "Package name (default: the folder name)" },
    model: {
      type: "string",
      value: "provider:model",
      description: "Model to put in the manifest (default openai:gpt-4o-mini)",
    },
  },
  examples: ["specprompt init my-tool", "specprompt init my-tool --model anthropic:claude-sonnet-4-5"],
  async run({ values, positionals, io }) {
    const target = positionals[0];
    if (!target) throw new UsageError("init needs a folder name", "specprompt init my-tool");
    const created = await scaffoldPackage({
      dir: target,
      cwd: io.cwd,
      name: values.name as string | undefined,
      model: values.model as string | undefined,
    });
    if (values.json) {
      writeJson(io, created);
      return 0;
    }
    const shown = relative(io.cwd, created.dir) || ".";
    io.stdout.write(
      `created ${created.name} in ${shown}/\n${created.files.map((file) => `  ${file}`).join("\n")}\n\n`,
    );
    io.stdout.write(
      `next:\n  export OPENAI_API_KEY=...   # or pass --model\n  npx specprompt build ${shown}\n`,
    );
    return 0;
  },
};
