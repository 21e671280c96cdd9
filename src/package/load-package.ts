import { basename, dirname, posix, resolve } from "node:path";
import { SpecPromptError, UsageError } from "../errors.js";
import type { ModelParams } from "../providers/types.js";
import { asList } from "../util/as-list.js";
import { normalizeLayerPath, toPosixPath } from "./contained-path.js";
import { findManifest, MANIFEST_FILE } from "./find-manifest.js";
import { loadImports } from "./imports/load-imports.js";
import type { ImportMode } from "./imports/types.js";
import { readManifestCached, readManifestChecked } from "./manifest-cache.js";
import type { Manifest, UnitSpec } from "./manifest-schema.js";
import { isModelId } from "./model-id.js";
import {
  displayPath,
  type LayerSource,
  readContextLayers,
  readLayer,
  readTestLayers,
} from "./read-layers.js";
import type { ReadManifestResult } from "./read-manifest.js";
import { manifestForTarget, selectTargets, targetNames } from "./targets.js";
import { IMPLICIT_UNIT, type Layer, type LoadedPackage, type LoadedUnit } from "./types.js";
import { orderUnits } from "./unit-graph.js";
import { resolveValidation } from "./validation-settings.js";

export interface LoadPackageOptions {
  /** Folder that relative paths (and paths in messages) start from. */
  cwd: string;
  /** `--set name=value` params; they override the manifest's. */
  set?: Record<string, string>;
  /** `--model`; overrides every unit's model. */
  model?: string;
  /** Where SPECPROMPT_MODEL is read; defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** The target to load, for a package with `targets` (required there, refused elsewhere). */
  target?: string;
  /** How git imports are found: `fetch` (build) may fetch; the default reads vendored copies only. */
  imports?: ImportMode;
}

/** Names the model output may never write, besides the layers. */
const RESERVED_PATHS = ["specprompt.lock", "CHANGELOG.md", ".specprompt"];

/** Reads, checks and renders the package in a folder (or at a manifest path): everything a build needs. */
export async function loadPackage(
  dirOrFile: string,
  options: LoadPackageOptions,
): Promise<{ pkg: LoadedPackage; warnings: string[] }> {
  const manifestPath = await findManifest(dirOrFile, options.cwd);
  const manifestDisplay = displayPath(options.cwd, manifestPath);
  try {
    return await loadFrom(
      manifestPath,
      options,
      await readManifestCached(manifestPath, dirname(manifestPath), manifestDisplay),
    );
  } catch (error) {
    // A cached manifest has no positions: redo the load the slow way so the error names file:line.
    if (!(error instanceof SpecPromptError) || error.location?.line !== undefined) throw error;
    return loadFrom(manifestPath, options, await readManifestChecked(manifestPath, manifestDisplay));
  }
}

async function loadFrom(
  manifestPath: string,
  options: LoadPackageOptions,
  read: ReadManifestResult,
): Promise<{ pkg: LoadedPackage; warnings: string[] }> {
  const dir = dirname(manifestPath);
  const manifestDisplay = displayPath(options.cwd, manifestPath);
  const { warnings, locate } = read;
  const target = checkTarget(read.manifest, options.target);
  const manifest = manifestForTarget(read.manifest, target);
  const targetGuides = Object.values(read.manifest.targets ?? {}).flatMap((spec) => spec.guide ?? []);
  const params = { ...stringifyParams(manifest.params), ...options.set };
  const source: LayerSource = { dir, cwd: options.cwd, manifestDisplay, params, locate };
  const imported = await loadImports(manifest, source, options.imports);
  const outDir = resolve(dir, manifest.out);
  const unitSpecs = listUnitSpecs(manifest);
  const models = resolveModels(manifest, unitSpecs, options, manifestDisplay);
  // Context globs like **/*.md must not pull in the other layers or the package's own bookkeeping.
  const notContext = new Set(
    [
      basename(manifestPath),
      ...RESERVED_PATHS,
      manifest.core,
      manifest.guide,
      ...targetGuides,
      manifest.validation?.criteria,
      ...Object.values(unitSpecs).map((u) => u.prompt),
      ...imported.inPackage,
    ]
      .filter((path) => path !== undefined)
      .map((path) => normalizeLayerPath(path)),
  );
  const readOptional = (kind: Layer["kind"], path: string | undefined, field: string[]) =>
    path === undefined ? undefined : readLayer(source, kind, path, field);
  const [core, guide, criteria, context, tests, prompts, handwritten] = await Promise.all([
    readOptional("core", manifest.core, ["core"]),
    readOptional(
      "guide",
      manifest.guide,
      target && read.manifest.targets?.[target]?.guide ? ["targets", target, "guide"] : ["guide"],
    ),
    readOptional("criteria", manifest.validation?.criteria, ["validation", "criteria"]),
    manifest.context ? readContextLayers(source, manifest.context, notContext) : { layers: [], warnings: [] },
    manifest.validation?.tests
      ? readTestLayers(source, manifest.validation.tests, outDir)
      : { layers: [], warnings: [] },
    Promise.all(
      Object.entries(unitSpecs).map(([name, unit]) =>
        readOptional("unit", unit.prompt, ["units", name, "prompt"]),
      ),
    ),
    manifest.handwritten
      ? readTestLayers(source, manifest.handwritten, outDir, "handwritten")
      : { layers: [], warnings: [] },
  ]);
  const promptByUnit = new Map(Object.keys(unitSpecs).map((name, i) => [name, prompts[i]]));
  const units = orderUnits(unitSpecs).map(
    (name): LoadedUnit => ({
      name,
      prompt: promptByUnit.get(name),
      owns: asList(unitSpecs[name]!.owns),
      needs: unitSpecs[name]!.needs ?? [],
      model: models.get(name)!,
      modelParams: { ...manifest.modelParams, ...unitSpecs[name]!.modelParams } satisfies ModelParams,
    }),
  );
  const layers = [core, guide, criteria, ...context.layers, ...prompts].filter(
    (layer) => layer !== undefined,
  );
  const inPackage = (layer: Layer) => posix.join(toPosixPath(manifest.out), layer.path);
  const protectedPaths = [
    basename(manifestPath),
    ...layers.map((layer) => layer.path),
    ...targetGuides.map((path) => normalizeLayerPath(path)),
    ...tests.layers.map(inPackage),
    ...handwritten.layers.map(inPackage),
    ...imported.inPackage,
    ...RESERVED_PATHS,
  ];
  const pkg: LoadedPackage = {
    dir,
    manifestPath,
    manifest,
    ...(target !== undefined && { target }),
    outDir,
    core,
    guide,
    context: context.layers,
    criteria,
    tests: tests.layers,
    handwritten: handwritten.layers,
    params,
    units,
    validation: resolveValidation(manifest.validation),
    protectedPaths: [...new Set(protectedPaths)],
    ...(imported.imports && { imports: imported.imports }),
  };
  return {
    pkg,
    warnings: [
      ...warnings,
      ...imported.warnings,
      ...context.warnings,
      ...tests.warnings,
      ...handwritten.warnings,
    ],
  };
}

/** The target to load: the one asked for, which must exist; none for a package without targets. */
function checkTarget(manifest: Manifest, wanted: string | undefined): string | undefined {
  const names = targetNames(manifest);
  if (wanted === undefined && names.length > 0) {
    throw new UsageError(
      `package ${manifest.name} has targets (${names.join(", ")}): this command works on one at a time`,
      `pass --target ${names[0]}`,
    );
  }
  return wanted === undefined ? undefined : selectTargets(manifest, [wanted])[0];
}

type LoadedUnitSpec = Omit<UnitSpec, "prompt"> & { prompt?: string };

/** The manifest's units, or the one implicit unit that owns the whole out tree. */
function listUnitSpecs(manifest: Manifest): Record<string, LoadedUnitSpec> {
  if (manifest.kind === "code" && manifest.units) return manifest.units;
  return { [IMPLICIT_UNIT]: { owns: ["**"] } };
}

/** --model > the unit's model > SPECPROMPT_MODEL > the manifest's model. */
function resolveModels(
  manifest: Manifest,
  units: Record<string, LoadedUnitSpec>,
  options: LoadPackageOptions,
  manifestDisplay: string,
): Map<string, string> {
  const overrides = readModelOverrides(options);
  const models = new Map<string, string>();
  for (const [name, unit] of Object.entries(units)) {
    const model = overrides.flag ?? unit.model ?? overrides.env ?? manifest.model;
    if (model === undefined) {
      const which = name === IMPLICIT_UNIT && !manifest.units ? "the package" : `unit '${name}'`;
      throw new SpecPromptError("E_MANIFEST", `no model for ${which}`, {
        location: { file: manifestDisplay },
        hint: `set model: in ${MANIFEST_FILE}, SPECPROMPT_MODEL, or pass --model`,
      });
    }
    models.set(name, model);
  }
  return models;
}

/** `--model` and SPECPROMPT_MODEL, each checked to be a model id; both override the manifest, `--model` wins. */
export function readModelOverrides(options: Pick<LoadPackageOptions, "model" | "env">): {
  flag?: string;
  env?: string;
} {
  if (options.model !== undefined && !isModelId(options.model)) {
    throw new UsageError(
      `--model expects provider:model, got '${options.model}'`,
      "e.g. --model openai:gpt-4o-mini",
    );
  }
  const fromEnv = (options.env ?? process.env).SPECPROMPT_MODEL || undefined;
  if (fromEnv !== undefined && !isModelId(fromEnv)) {
    throw new SpecPromptError(
      "E_PROVIDER_CONFIG",
      `SPECPROMPT_MODEL expects provider:model, got '${fromEnv}'`,
      {
        hint: "e.g. SPECPROMPT_MODEL=openai:gpt-4o-mini",
      },
    );
  }
  return { flag: options.model, env: fromEnv };
}

/** Manifest params as strings (numbers and booleans as written). */
export function stringifyParams(params: Manifest["params"]): Record<string, string> {
  return Object.fromEntries(Object.entries(params ?? {}).map(([name, value]) => [name, String(value)]));
}
