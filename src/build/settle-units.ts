import type { Lock, TokenCount, UnitLock, ValidationRecord } from "../lock/lock-schema.js";
import { lockedUnit } from "../lock/locked-unit.js";
import type { LoadedPackage, LoadedUnit } from "../package/types.js";
import { costOf } from "../providers/pricing.js";
import type { UnitReport } from "./build-types.js";
import type { LoopState } from "./refine-loop.js";
import { computeUnitInputs, hashOutputs } from "./unit-inputs.js";
import { hashFiles, matchesEntry } from "./unit-work.js";

/**
 * The lock entries a successful build writes (pure). Every unit it generated gets one, unless it
 * ended exactly where its entry already is (a restore). When a refinement changed a unit, the
 * units that need it — generated or kept — are recorded with inputs naming the files they were
 * validated with, so the next build finds them up to date.
 */
export function settleUnits(
  pkg: LoadedPackage,
  previous: Lock | undefined,
  state: LoopState,
  stamp: { buildId: string; builtAt: string; validation?: ValidationRecord; revised: ReadonlySet<string> },
): Map<string, UnitLock> {
  const updated = new Map<string, UnitLock>();
  const finalInputs = (unit: LoadedUnit) => {
    const needsState: Record<string, string> = {};
    for (const need of unit.needs) needsState[need] = hashOutputs(state.finalFiles.get(need)?.hashes ?? {});
    return computeUnitInputs(pkg, unit, needsState);
  };
  for (const unit of pkg.units) {
    const work = state.works.get(unit.name);
    const rekey = stamp.revised.size > 0 && unit.needs.length > 0;
    if (!work) {
      const entry = lockedUnit(previous, unit.name);
      if (!entry || !rekey) continue;
      const { inputs, inputHash } = finalInputs(unit);
      if (inputHash !== entry.inputHash)
        updated.set(unit.name, { ...entry, inputs, inputHash, validation: stamp.validation });
      continue;
    }
    const { inputs, inputHash } = rekey ? finalInputs(unit) : work;
    if (matchesEntry(work, inputHash)) continue;
    updated.set(unit.name, {
      inputHash,
      inputs,
      outputs: hashFiles(work.files),
      requests: work.requests,
      tokens: work.usage,
      cost: priceOf(pkg, unit.model, work.usage),
      iterations: work.iterations,
      buildId: stamp.buildId,
      builtAt: stamp.builtAt,
      validation: stamp.validation,
    });
  }
  return updated;
}

/** What the build report says about each unit it generated, in build order. */
export function reportUnits(pkg: LoadedPackage, state: LoopState): UnitReport[] {
  return [...state.works.values()].map((work) => ({
    unit: work.unit.name,
    action: work.action,
    reasons: work.reasons,
    model: work.unit.model,
    files: [...work.files.keys()].sort(),
    tokens: work.spent,
    cost: work.cached === work.requests.length ? undefined : priceOf(pkg, work.unit.model, work.spent),
    requests: work.requests.length,
    cachedRequests: work.cached,
    refused: work.refused,
    iterations: work.iterations,
  }));
}

/** USD for `tokens` of `model`, when its price is known. */
export function priceOf(pkg: LoadedPackage, model: string, tokens: TokenCount): number | undefined {
  return costOf(model, { inputTokens: tokens.input, outputTokens: tokens.output }, pkg.manifest.pricing);
}
