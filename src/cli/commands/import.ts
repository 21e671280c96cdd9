import { relative } from "node:path";
import { UsageError } from "../../errors.js";
import { importSpecs } from "../../import/import-specs.js";
import { displayPath } from "../../package/read-layers.js";
import { type CommandDef, writeJson } from "../command.js";

/** `specprompt import <dir>` */
export const importCommand: CommandDef = {
  name: "import",
  summary: "Write a manifest for Spec Kit, OpenSpec or Kiro specs, naming their files where they are",
  usage: "specprompt import <dir> [options]",
  description: [
    "Detects the layout in <dir> (Spec Kit specs/<feature>/spec.md, OpenSpec openspec/specs/<capability>/spec.md,",
    "Kiro .kiro/specs/<spec>/requirements.md) and writes specprompt.yaml at that root: the spec is the core prompt,",
    "the plan, design or project context the guide, the rest (constitution, steering, research, data model,",
    "contracts, tasks) context. Nothing is copied. <dir> may also be one feature folder.",
  ].join("\n"),
  positionals: [{ name: "dir", description: "Project root holding the specs, or one feature folder" }],
  options: {
    feature: {
      type: "string",
      value: "name",
      description: "The feature (OpenSpec: capability) to build when there are several",
    },
    layout: { type: "string", value: "speckit|openspec|kiro", description: "When <dir> holds more than one" },
    name: { type: "string", value: "name", description: "Package name (default: the root folder's name)" },
    model: { type: "string", value: "provider:model", description: "Model to put in the manifest" },
    out: { type: "string", value: "dir", description: "Root of the generated tree (default .)" },
    force: { type: "boolean", description: "Replace an existing specprompt.yaml" },
  },
  examples: [
    "specprompt import . --feature 001-photo-albums --model openai:gpt-4o-mini",
    "specprompt import .kiro/specs/user-auth --out app",
  ],
  async run({ values, positionals, io }) {
    const dir = positionals[0];
    if (!dir) throw new UsageError("import needs a folder", "specprompt import .");
    const result = await importSpecs({
      dir,
      cwd: io.cwd,
      feature: values.feature as string | undefined,
      layout: values.layout as string | undefined,
      name: values.name as string | undefined,
      model: values.model as string | undefined,
      out: values.out as string | undefined,
      force: values.force === true,
    });
    const manifest = displayPath(io.cwd, result.manifest);
    if (values.json) {
      writeJson(io, {
        layout: result.layout,
        feature: result.feature,
        name: result.name,
        manifest,
        mapped: result.mapped,
        notes: result.notes,
        warnings: result.warnings,
      });
      return 0;
    }
    const root = relative(io.cwd, result.root) || ".";
    io.stdout.write(
      `imported ${result.layoutLabel} ${result.feature} into ${manifest} (${result.name}@0.1.0)\n`,
    );
    for (const layer of result.mapped) {
      layer.files.forEach((path, i) => {
        io.stdout.write(`  ${(i === 0 ? layer.layer : "").padEnd(8)}  ${path}\n`);
      });
      if (layer.paths.join("\n") !== layer.files.join("\n"))
        io.stdout.write(`  ${"".padEnd(8)}  (the manifest says ${layer.paths.join(", ")})\n`);
    }
    for (const note of result.notes) io.stdout.write(`  note: ${note}\n`);
    for (const warning of result.warnings) io.stderr.write(`warning: ${warning}\n`);
    io.stdout.write("\nnext:\n");
    if (!result.model)
      io.stdout.write(
        `  add model: <provider:model> to ${manifest}, or pass --model (or set SPECPROMPT_MODEL)\n`,
      );
    io.stdout.write(`  specprompt plan ${root}${result.model ? "" : " --model openai:gpt-4o-mini"}\n`);
    return 0;
  },
};
