import type { UnitInputs } from "../lock/lock-schema.js";
import type { Layer, LoadedPackage, LoadedUnit } from "../package/types.js";
import { sha256 } from "../util/hash.js";
import { stableStringify } from "../util/stable-json.js";
import { PROMPT_FORMAT_VERSION } from "./assemble-prompt.js";

/** Hash of a unit's output set (path → sha256): what a unit that needs it depends on. */
export function hashOutputs(outputs: Record<string, string>): string {
  return sha256(stableStringify(outputs));
}

/**
 * Every input of a unit, each hashed on its own so a change can be named.
 * `needsState` maps each needed unit to `hashOutputs` of its current files.
 */
export function computeUnitInputs(
  pkg: LoadedPackage,
  unit: LoadedUnit,
  needsState: Record<string, string>,
): { inputs: UnitInputs; inputHash: string } {
  const needs: Record<string, string> = {};
  for (const name of [...unit.needs].sort()) {
    const state = needsState[name];
    if (state === undefined) throw new Error(`internal: no state for needed unit ${name}`);
    needs[name] = state;
  }
  const shared = sharedInputs(pkg);
  const modelParams: Record<string, unknown> = {};
  for (const key of Object.keys(unit.modelParams).sort()) {
    modelParams[key] = unit.modelParams[key as keyof typeof unit.modelParams];
  }
  // Keys in sorted order, so plain JSON.stringify gives the canonical text (this runs per unit
  // on every command; stableStringify's copying showed up in profiles of 1,000-unit packages).
  const inputs: UnitInputs = {
    context: shared.context,
    core: pkg.core?.hash,
    criteria: pkg.criteria?.hash,
    format: PROMPT_FORMAT_VERSION,
    guide: pkg.guide?.hash,
    // Only when there are any, so the hashes of packages without hand-written files stay as they were.
    ...(shared.handwritten && { handwritten: shared.handwritten }),
    // Likewise only with imports: alias → hash of what the library gives.
    ...(shared.imports && { imports: shared.imports }),
    model: unit.model,
    modelParams,
    needs,
    prompt: unit.prompt?.hash,
    tests: shared.tests,
  };
  return { inputs, inputHash: sha256(JSON.stringify(inputs)) };
}

interface SharedInputs {
  context: Record<string, string>;
  tests: Record<string, string>;
  handwritten?: Record<string, string>;
  imports?: Record<string, string>;
}

const sharedCache = new WeakMap<LoadedPackage, SharedInputs>();

function sharedInputs(pkg: LoadedPackage): SharedInputs {
  let shared = sharedCache.get(pkg);
  if (!shared) {
    shared = { context: hashesByPath(pkg.context), tests: hashesByPath(pkg.tests) };
    if (pkg.handwritten.length > 0) shared.handwritten = hashesByPath(pkg.handwritten);
    if (pkg.imports) shared.imports = pkg.imports.hashes;
    sharedCache.set(pkg, shared);
  }
  return shared;
}

function hashesByPath(layers: Layer[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const layer of [...layers].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    out[layer.path] = layer.hash;
  }
  return out;
}

/** Human reasons why `next` differs from `previous` ("core changed", "context/api.md added", ...). */
export function describeInputChanges(previous: UnitInputs, next: UnitInputs): string[] {
  const reasons: string[] = [];
  if (previous.format !== next.format) reasons.push("specprompt's prompt format changed");
  if (previous.model !== next.model) reasons.push(`model changed (${previous.model} → ${next.model})`);
  if (stableStringify(previous.modelParams) !== stableStringify(next.modelParams)) {
    reasons.push("model parameters changed");
  }
  for (const layer of ["core", "guide", "criteria", "prompt"] as const) {
    const label = layer === "prompt" ? "unit prompt" : layer === "criteria" ? "acceptance criteria" : layer;
    if (previous[layer] !== next[layer]) {
      if (previous[layer] === undefined) reasons.push(`${label} added`);
      else if (next[layer] === undefined) reasons.push(`${label} removed`);
      else reasons.push(`${label} changed`);
    }
  }
  reasons.push(...describeMapChanges("context", previous.context, next.context));
  reasons.push(...describeMapChanges("test", previous.tests, next.tests));
  reasons.push(...describeMapChanges("handwritten", previous.handwritten ?? {}, next.handwritten ?? {}));
  reasons.push(...describeMapChanges("import", previous.imports ?? {}, next.imports ?? {}));
  for (const [name, hash] of Object.entries(next.needs)) {
    if (previous.needs[name] === undefined) reasons.push(`now needs ${name}`);
    else if (previous.needs[name] !== hash) reasons.push(`needed unit ${name} changed`);
  }
  for (const name of Object.keys(previous.needs)) {
    if (next.needs[name] === undefined) reasons.push(`no longer needs ${name}`);
  }
  return reasons;
}

function describeMapChanges(
  label: string,
  before: Record<string, string>,
  after: Record<string, string>,
): string[] {
  const reasons: string[] = [];
  for (const [path, hash] of Object.entries(after)) {
    if (before[path] === undefined) reasons.push(`${label} ${path} added`);
    else if (before[path] !== hash) reasons.push(`${label} ${path} changed`);
  }
  for (const path of Object.keys(before)) {
    if (after[path] === undefined) reasons.push(`${label} ${path} removed`);
  }
  return reasons;
}
