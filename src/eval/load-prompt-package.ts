import { dirname, join } from "node:path";
import { SpecPromptError } from "../errors.js";
import { normalizeLayerPath } from "../package/contained-path.js";
import { findManifest, MANIFEST_FILE } from "../package/find-manifest.js";
import { loadImports } from "../package/imports/load-imports.js";
import type { ImportMode } from "../package/imports/types.js";
import { readModelOverrides, stringifyParams } from "../package/load-package.js";
import { readManifestCached, readManifestChecked } from "../package/manifest-cache.js";
import type { Manifest } from "../package/manifest-schema.js";
import { displayPath, expandGlobs, type LayerSource } from "../package/read-layers.js";
import type { ReadManifestResult } from "../package/read-manifest.js";
import { createPackageFiles, PackagePathError } from "./package-files.js";
import { compileTemplate } from "./template.js";
import type { PromptPackage } from "./types.js";

export interface LoadPromptPackageOptions {
  /** Folder that relative paths (and paths in messages) start from. */
  cwd: string;
  /** Where SPECPROMPT_MODEL is read; defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** `--model`: overrides SPECPROMPT_MODEL and the manifest. */
  model?: string;
  /** `--set name=value`: overrides the manifest's params (the template's default vars). */
  set?: Record<string, string>;
  /** How git imports are found (default: vendored copies only, no network; `eval` fetches). */
  imports?: ImportMode;
}

/** Reads and checks a `kind: prompt` package (folder or manifest path) and compiles its template. */
export async function loadPromptPackage(
  dirOrFile: string,
  options: LoadPromptPackageOptions,
): Promise<PromptPackage> {
  const manifestPath = await findManifest(dirOrFile, options.cwd);
  const manifestDisplay = displayPath(options.cwd, manifestPath);
  const dir = dirname(manifestPath);
  try {
    return await loadFrom(dir, options, await readManifestCached(manifestPath, dir, manifestDisplay));
  } catch (error) {
    // A cached manifest has no positions: redo the load the slow way so the error names file:line.
    if (!(error instanceof SpecPromptError) || error.location?.line !== undefined) throw error;
    return loadFrom(dir, options, await readManifestChecked(manifestPath, manifestDisplay));
  }
}

/** The `kind` of the package in a folder (or at a manifest path), from its checked manifest. */
export async function readPackageKind(dirOrFile: string, cwd: string): Promise<Manifest["kind"]> {
  const manifestPath = await findManifest(dirOrFile, cwd);
  const read = await readManifestCached(manifestPath, dirname(manifestPath), displayPath(cwd, manifestPath));
  return read.manifest.kind;
}

async function loadFrom(
  dir: string,
  options: LoadPromptPackageOptions,
  read: ReadManifestResult,
): Promise<PromptPackage> {
  const manifestDisplay = displayPath(options.cwd, join(dir, MANIFEST_FILE));
  const { manifest, locate } = read;
  const at = (field: string) => ({ file: manifestDisplay, ...locate([field]) });
  if (manifest.kind !== "prompt") {
    throw new SpecPromptError(
      "E_MANIFEST",
      `${manifest.name} is a kind: ${manifest.kind} package, not a runtime prompt`,
      {
        location: at("kind"),
        hint: "runtime prompts say kind: prompt and template: <file>; a code package is built with `specprompt build`",
      },
    );
  }
  const overrides = readModelOverrides(options);
  const model = overrides.flag ?? overrides.env ?? manifest.model;
  if (model === undefined) {
    throw new SpecPromptError("E_MANIFEST", "no model for the package", {
      location: { file: manifestDisplay },
      hint: `set model: in ${MANIFEST_FILE}, SPECPROMPT_MODEL, or pass --model`,
    });
  }
  const params = { ...stringifyParams(manifest.params), ...options.set };
  const files = createPackageFiles(dir);
  const source: LayerSource = { dir, cwd: options.cwd, manifestDisplay, params, locate };
  const imported = await loadImports(manifest, source, options.imports);
  const libraries = Object.fromEntries(
    Object.entries(imported.imports?.partials ?? {}).map(([alias, libraryDir]) => [
      alias,
      createPackageFiles(libraryDir),
    ]),
  );
  const templatePath = normalizeLayerPath(manifest.template!);
  try {
    files.readText(templatePath);
  } catch (error) {
    if (!(error instanceof PackagePathError)) throw error;
    throw new SpecPromptError("E_LAYER", `template: ${error.message}`, {
      location: at("template"),
      hint: `${error.hint}, or change template: in the manifest`,
    });
  }
  const template = compileTemplate({
    path: templatePath,
    files,
    defaults: params,
    display: (rel) => displayPath(options.cwd, join(dir, rel)),
    libraries,
  });
  const cases = manifest.evals
    ? await expandGlobs(source, manifest.evals, dir, ["evals"])
    : { files: [], warnings: [] };
  return {
    dir,
    name: manifest.name,
    version: manifest.version,
    template,
    model,
    modelParams: { ...manifest.modelParams },
    graderModel: manifest.grader ?? model,
    caseFiles: cases.files,
    threshold: manifest.threshold,
    params,
    pricing: manifest.pricing,
    warnings: [...read.warnings, ...imported.warnings, ...cases.warnings],
  };
}
