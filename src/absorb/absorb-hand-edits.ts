import { join } from "node:path";
import type { BuildEvent } from "../build/build-events.js";
import type { BuildOptions, BuildResult, PackageArgs } from "../build/build-types.js";
import { makeBuildId } from "../build/fresh-build.js";
import { CACHE_DIR, createFileCache, type ResponseCache } from "../cache/response-cache.js";
import { SpecPromptError } from "../errors.js";
import { parseModelId } from "../providers/create-provider.js";
import type { ChatProvider, Provider, ProviderEnv } from "../providers/types.js";
import { writeFileAtomicSync } from "../util/atomic-write.js";
import { assembleAbsorbPrompt, readAmendableLayers } from "./absorb-prompt.js";
import { formatAmendmentPatch } from "./amendment-tool.js";
import { type AbsorbableEdit, findHandEdits } from "./find-hand-edits.js";
import { proposeAmendment } from "./propose-amendment.js";
import { rebuildAbsorbed, saveHandEdits } from "./rebuild-absorbed.js";

/** One unit's proposal, as the user is asked to accept it. */
export interface AbsorbProposal {
  unit: string;
  /** The model that proposed it. */
  model: string;
  /** The hand-edited files (relative to out). */
  files: string[];
  /** The package source files the amendment changes (relative to the package). */
  amended: string[];
  /** The amendment as a unified diff of the package source. */
  patch: string;
  /** The model's one-sentence reason. */
  summary: string;
  /** propose_amendment calls that were refused. */
  refused: string[];
}

/** One unit of `absorb --json`. */
export interface AbsorbedUnit extends AbsorbProposal {
  accepted: boolean;
  /** The unit was rebuilt from the amended source and the result committed. */
  rebuilt: boolean;
  /** Every rebuilt file equals the hand edit; null when not rebuilt. */
  matches: boolean | null;
  /** Rebuilt files that differ from the hand edit: `a/` (hand-edit/) the edit, `b/` (rebuilt/) the new file. */
  remaining: { path: string; patch: string }[];
}

export interface AbsorbReport {
  package: { name: string; version: string; dir: string };
  units: AbsorbedUnit[];
  /** Where the hand-edited files were copied before the rebuild (relative to the package). */
  saved?: string;
  /** The rebuild, when an amendment was accepted. */
  build?: { status: BuildResult["status"]; buildId?: string; message?: string };
  warnings: string[];
}

export interface AbsorbOptions extends PackageArgs {
  /** Hand-edited files or folders to absorb (relative to cwd); default: every modified file. */
  paths?: string[];
  offline?: boolean;
  /** A chat model to propose amendments with instead of each unit's own (required for `cmd:` units). */
  amendModel?: string;
  /** Shown each proposal; resolves true to apply it. */
  confirm: (proposal: AbsorbProposal) => Promise<boolean>;
  timeoutMs?: number;
  maxRetries?: number;
  /** Progress of the rebuild. */
  reporter?: (event: BuildEvent) => void;
  createProvider?: (modelId: string, env: ProviderEnv) => Promise<Provider>;
  cache?: ResponseCache;
  /** The build that rebuilds amended units; runBuild unless injected. */
  build?: (options: BuildOptions) => Promise<BuildResult>;
  now?: () => Date;
  signal?: AbortSignal;
}

/**
 * Turn hand edits into changes to the package: for each unit with hand-edited files, a chat model
 * proposes an amendment of its layers (unit prompt, guide, criteria, core); accepted amendments
 * are written to the source, the hand edits are saved, and the package is rebuilt through the
 * normal build to see whether the result now equals the hand edits.
 */
export async function absorbHandEdits(options: AbsorbOptions): Promise<AbsorbReport> {
  const found = await findHandEdits(options);
  const { pkg } = found;
  const report: AbsorbReport = {
    package: { name: pkg.manifest.name, version: pkg.manifest.version, dir: pkg.dir },
    units: [],
    warnings: found.warnings,
  };
  if (found.units.length === 0) return report;
  for (const { unit } of found.units) chatModelOf(options.amendModel ?? unit.model, unit.name);

  const providerEnv: ProviderEnv = {
    env: options.env,
    timeoutMs: options.timeoutMs ?? 300_000,
    maxRetries: options.maxRetries ?? 4,
    onRetry: (retry) => options.reporter?.({ type: "retry", retry }),
  };
  const create =
    options.createProvider ??
    (async (id, env) => (await import("../providers/create-provider.js")).createProvider(id, env));
  const providers = new Map<string, Promise<Provider>>();
  const providerOf = (id: string) => {
    if (!providers.has(id)) providers.set(id, create(id, providerEnv));
    return providers.get(id)!;
  };
  const cache = options.cache ?? createFileCache(join(pkg.dir, CACHE_DIR));
  const absorbed: AbsorbableEdit[] = [];
  const pending = new Map<string, string>();
  const now = options.now ?? (() => new Date());

  for (const { unit, edits } of found.units) {
    const modelId = options.amendModel ?? unit.model;
    // A later unit sees the amendments accepted before it (a guide amended twice keeps both).
    const layers = readAmendableLayers(pkg, unit).map((layer) => ({
      ...layer,
      content: pending.get(layer.path) ?? layer.content,
    }));
    const proposal = await proposeAmendment({
      unit: unit.name,
      modelId,
      params: options.amendModel === undefined ? unit.modelParams : {},
      prompt: assembleAbsorbPrompt(pkg, unit, layers, edits),
      layers,
      cache,
      offline: options.offline ?? false,
      getProvider: async () => (await providerOf(modelId)) as ChatProvider,
      signal: options.signal,
    });
    const shown: AbsorbProposal = {
      unit: unit.name,
      model: modelId,
      files: edits.map((edit) => edit.path),
      amended: [...proposal.files.keys()],
      patch: formatAmendmentPatch(layers, proposal.files),
      summary: proposal.summary,
      refused: proposal.refused,
    };
    const accepted = await options.confirm(shown);
    report.units.push({ ...shown, accepted, rebuilt: false, matches: null, remaining: [] });
    if (!accepted) continue;
    absorbed.push(...edits);
    for (const [path, content] of proposal.files) pending.set(path, content);
  }
  if (absorbed.length === 0) return report;

  // Nothing is written until every unit was asked: a failure half-way leaves the package as it was.
  report.saved = saveHandEdits(pkg, makeBuildId(now()), absorbed);
  for (const [path, content] of pending) writeFileAtomicSync(join(pkg.dir, path), content);

  const build = options.build ?? (await import("../build/run-build.js")).runBuild;
  const outcome = await rebuildAbsorbed(pkg, absorbed, build, {
    dir: options.dir,
    cwd: options.cwd,
    env: options.env,
    set: options.set,
    model: options.model,
    target: options.target,
    offline: options.offline,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    reporter: options.reporter,
    createProvider: options.createProvider,
    cache: options.cache,
    now: options.now,
    signal: options.signal,
  });
  report.build = outcome.build;
  for (const unit of report.units) {
    if (!unit.accepted || outcome.build.status === "failed") continue;
    const differences = unit.files.map((path) => outcome.remaining.get(path) ?? null);
    unit.rebuilt = true;
    unit.remaining = differences.filter((difference) => difference !== null);
    unit.matches = unit.remaining.length === 0;
  }
  return report;
}

/** Absorbing asks a chat model; an agent (`cmd:`) cannot answer with a tool call. */
function chatModelOf(modelId: string, unit: string): void {
  if (parseModelId(modelId).provider !== "cmd") return;
  throw new SpecPromptError(
    "E_PROVIDER_CONFIG",
    `unit ${unit} is built by an agent (${modelId}); absorb needs a chat model to propose the amendment`,
    { hint: "pass --amend-model openai:<model> (or anthropic:, ollama:) to propose it with a chat model" },
  );
}
