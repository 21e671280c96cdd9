import type { ModelParams } from "../providers/types.js";
import type { PackageImports } from "./imports/types.js";
import type { Manifest } from "./manifest-schema.js";

export type LayerKind = "core" | "guide" | "context" | "criteria" | "test" | "unit" | "handwritten";

/** One source file of the package after `{{param}}` substitution. */
export interface Layer {
  kind: LayerKind;
  /** POSIX path relative to the package folder (tests: relative to `out`). */
  path: string;
  /** The rendered text, exactly as the model sees it. */
  content: string;
  /** sha256 (hex) of `content`. */
  hash: string;
}

export interface LoadedUnit {
  name: string;
  /** The unit's own prompt; absent for the implicit unit of a package without `units`. */
  prompt?: Layer;
  /** Globs relative to `out`. */
  owns: string[];
  /** Names of units this one needs, in manifest order. */
  needs: string[];
  /** Effective model id after overrides (`openai:gpt-4o-mini`, `cmd:...`). */
  model: string;
  modelParams: ModelParams;
}

export interface ValidationSettings {
  command?: string;
  timeoutMs: number;
  maxIterations: number;
  env: string[];
}

/** A package read from disk, rendered and checked: everything a build needs as data. */
export interface LoadedPackage {
  /** Absolute folder holding specprompt.yaml. */
  dir: string;
  /** Absolute path of the manifest. */
  manifestPath: string;
  /** The manifest as this package's target sees it (the target's fields over the package's). */
  manifest: Manifest;
  /** The target loaded, for a package with `targets`. */
  target?: string;
  /** Absolute root of the generated tree. */
  outDir: string;
  core?: Layer;
  guide?: Layer;
  context: Layer[];
  criteria?: Layer;
  /** Hand-written validation tests; `path` is relative to `out`. */
  tests: Layer[];
  /** Hand-owned files of the output tree (`handwritten:`): context for every unit, never generated; `path` is relative to `out`. */
  handwritten: Layer[];
  /** Effective params after `--set`, as strings. */
  params: Record<string, string>;
  /** Units in a dependency order (every unit after the units it needs). */
  units: LoadedUnit[];
  validation: ValidationSettings;
  /**
   * Paths relative to the package folder that model output must never overwrite: the manifest,
   * every layer, and the reserved names (specprompt.lock, CHANGELOG.md, .specprompt/).
   */
  protectedPaths: string[];
  /** What `imports:` gives: libraries' guides, context documents and criteria (absent without imports). */
  imports?: PackageImports;
}

/** Name of the unit a package without `units` gets. */
export const IMPLICIT_UNIT = "main";
