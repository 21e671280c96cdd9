import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { stringify } from "yaml";
import { SpecPromptError, UsageError } from "../errors.js";
import { isContainedPath } from "../package/contained-path.js";
import { manifestSchema } from "../package/manifest-schema.js";
import { isModelId } from "../package/model-id.js";
import { displayPath } from "../package/read-layers.js";
import { placeholderPattern } from "../package/render-params.js";
import { detectSource, type LayoutId, type MappedLayer, mapLayers } from "./layouts.js";

export interface ImportOptions {
  /** The folder to import: a project root, or one feature folder inside it. */
  dir: string;
  cwd: string;
  layout?: string;
  feature?: string;
  name?: string;
  model?: string;
  out?: string;
  /** Overwrite an existing specprompt.yaml. */
  force?: boolean;
}

export interface ImportResult {
  layout: LayoutId;
  /** "Spec Kit", "OpenSpec", "Kiro". */
  layoutLabel: string;
  feature: string;
  /** Absolute path of the manifest written. */
  manifest: string;
  /** Absolute folder of the package (the manifest's folder). */
  root: string;
  name: string;
  model?: string;
  mapped: MappedLayer[];
  /** What was left out and why, the units decision among them. */
  notes: string[];
  /** Things that will stop a build until fixed (for instance `{{name}}` in a layer). */
  warnings: string[];
}

const NAME_PATTERN = /^(@[a-z0-9][a-z0-9-]*\/)?[a-z0-9][a-z0-9-]*$/;

/** `My Specs_2` → `my-specs-2`: a folder name in our package-name rules; "" when nothing is left. */
export function sanitizeName(folder: string): string {
  return folder
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
}

/**
 * `specprompt import`: detects the layout, maps its files onto layers and writes `specprompt.yaml`
 * at the layout's root, naming the files where they are (nothing is copied).
 */
export async function importSpecs(options: ImportOptions): Promise<ImportResult> {
  const source = detectSource({
    dir: resolve(options.cwd, options.dir),
    layout: options.layout,
    feature: options.feature,
  });
  const name = options.name ?? sanitizeName(basename(source.root));
  if (!NAME_PATTERN.test(name)) {
    throw new UsageError(
      `import: '${name}' is not a valid package name`,
      "use lowercase letters, digits and '-' (optionally @scope/), or pass --name",
    );
  }
  if (options.model !== undefined && !isModelId(options.model)) {
    throw new UsageError(
      `import: --model '${options.model}' is not a model id`,
      "use provider:model, e.g. openai:gpt-4o-mini",
    );
  }
  const out = options.out ?? ".";
  if (!isContainedPath(out)) {
    throw new UsageError(`import: --out ${out} must be a relative path inside ${source.root}`);
  }
  const manifestPath = join(source.root, "specprompt.yaml");
  if (existsSync(manifestPath) && !options.force) {
    throw new SpecPromptError("E_INIT", `${displayPath(options.cwd, manifestPath)} already exists`, {
      hint: "pass --force to replace it with the imported manifest",
    });
  }

  const mapping = await mapLayers(source);
  const manifest = {
    name,
    version: "0.1.0",
    kind: "code",
    core: mapping.core,
    ...(mapping.guide ? { guide: mapping.guide } : {}),
    ...(mapping.context.length > 0 ? { context: mapping.context } : {}),
    ...(options.model ? { model: options.model } : {}),
    out,
  };
  // What we write must load: the same schema the loader checks (paths contained, name, version).
  const checked = manifestSchema.safeParse(manifest);
  if (!checked.success) {
    throw new SpecPromptError(
      "E_INIT",
      `import made an invalid manifest: ${checked.error.issues[0]?.message}`,
    );
  }

  const where = `${source.layout.featuresDir}/${source.feature}`;
  const header = [
    `# Imported from ${source.layout.label} (${where}) by \`specprompt import\`.`,
    "# The spec files stay where they are; this manifest only names them. Re-run with --force to refresh.",
    ...mapping.notes.map((note) => `# ${note}.`),
    ...(options.model
      ? []
      : [
          "# No model yet: add `model: openai:gpt-4o-mini` (any provider:model), or pass --model to each command.",
        ]),
  ];
  const text = `${header.join("\n")}\n${stringify(manifest, { lineWidth: 0 })}`;
  try {
    await writeFile(manifestPath, text, { flag: options.force ? "w" : "wx" });
  } catch (caught) {
    if ((caught as NodeJS.ErrnoException).code !== "EEXIST") throw caught;
    throw new SpecPromptError("E_INIT", `${displayPath(options.cwd, manifestPath)} already exists`, {
      hint: "pass --force to replace it with the imported manifest",
    });
  }

  return {
    layout: source.layout.id,
    layoutLabel: source.layout.label,
    feature: source.feature,
    manifest: manifestPath,
    root: source.root,
    name,
    ...(options.model ? { model: options.model } : {}),
    mapped: mapping.mapped,
    notes: mapping.notes,
    warnings: findPlaceholders(
      source.root,
      mapping.mapped.flatMap((layer) => layer.files),
    ),
  };
}

/** Layers are rendered with `{{param}}`: a spec that uses the syntax for something else stops the build. */
function findPlaceholders(root: string, files: string[]): string[] {
  const warnings: string[] = [];
  for (const file of files) {
    const text = readFileSync(join(root, file), "utf8");
    if (!text.includes("{{")) continue;
    const names = new Set<string>();
    for (const match of text.matchAll(placeholderPattern)) if (match[1]) names.add(match[1]);
    if (names.size === 0) continue;
    warnings.push(
      `${file} uses {{${[...names].join("}}, {{")}}}: layers render {{params}}, so define them under params: or write \\{{ for a literal {{`,
    );
  }
  return warnings;
}
