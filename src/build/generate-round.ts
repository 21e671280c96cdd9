import type { Lock } from "../lock/lock-schema.js";
import { lockedUnit } from "../lock/locked-unit.js";
import { runGraph } from "../util/run-graph.js";
import type { BuildContext } from "./build-context.js";
import { createUnitGuard, generateUnit, type UnitFiles } from "./generate-unit.js";
import type { UnitPlan } from "./plan-build.js";
import type { LoopState } from "./refine-loop.js";
import { replayUnit } from "./replay-unit.js";
import { stampFiles } from "./stamp.js";
import { computeUnitInputs, hashOutputs } from "./unit-inputs.js";
import { applyToOverlay, hashFiles, startUnitWork, type UnitWork } from "./unit-work.js";

/**
 * The first round: every stale unit, in dependency order and in parallel where independent, with
 * its inputs recomputed from the needed units' final files (a regenerated unit whose files come
 * out the same does not ripple). A unit to restore is replayed from its recorded responses when
 * they are all cached, refinement rounds included; otherwise it is generated again.
 */
export async function generateStaleUnits(
  ctx: BuildContext,
  input: {
    plans: ReadonlyMap<string, UnitPlan>;
    previous: Lock | undefined;
    /** Recorded outputs missing on disk, by unit. */
    missing: Record<string, string[]>;
    concurrency: number;
  },
): Promise<LoopState> {
  const { pkg } = ctx;
  const overlay = new Map<string, string | null>();
  const finalFiles = new Map<string, UnitFiles>();
  const done = new Map<string, UnitWork>();
  const unitsByName = new Map(pkg.units.map((unit) => [unit.name, unit]));

  await runGraph(
    pkg.units.map((unit) => ({ id: unit.name, deps: unit.needs })),
    input.concurrency,
    async (name) => {
      const unit = unitsByName.get(name)!;
      const unitPlan = input.plans.get(name)!;
      const entry = lockedUnit(input.previous, name);
      if (unitPlan.action === "keep" && unit.needs.length === 0 && entry) {
        // Without needs, the plan's input hash is already final: nothing to recompute.
        finalFiles.set(name, { hashes: entry.outputs });
        return;
      }
      const needsState: Record<string, string> = {};
      for (const need of unit.needs) needsState[need] = hashOutputs(finalFiles.get(need)?.hashes ?? {});
      const { inputs, inputHash } = computeUnitInputs(pkg, unit, needsState);
      const missingFiles = input.missing[name] !== undefined;
      if (entry && entry.inputHash === inputHash && !missingFiles) {
        finalFiles.set(name, { hashes: entry.outputs });
        if (unitPlan.action !== "keep") ctx.report({ type: "unit-kept", unit: name });
        return;
      }
      const action = entry && entry.inputHash === inputHash ? "restore" : "generate";
      ctx.report({ type: "unit-start", unit: name, action, model: unit.model });
      const finish = (files: Map<string, string>) =>
        ctx.stamp ? stampFiles({ files }, pkg.manifest.name, name).files : files;
      const replayed =
        action === "restore" && entry
          ? await replayUnit(entry, ctx.cache, createUnitGuard(pkg, unit), finish)
          : undefined;
      const base = { unit, action, reasons: unitPlan.reasons, entry, inputs, inputHash } as const;
      const work = replayed
        ? startUnitWork(base, replayed, entry!.iterations)
        : await generateUnit(ctx, unit, finalFiles, overlay).then((generation) =>
            startUnitWork({ ...base, prompt: generation.prompt }, generation, 1),
          );
      applyToOverlay(overlay, work.files, Object.keys(entry?.outputs ?? {}));
      finalFiles.set(name, { hashes: hashFiles(work.files), contents: work.files });
      done.set(name, work);
      ctx.report({
        type: "unit-done",
        unit: name,
        files: work.files.size,
        cached: work.cached === work.requests.length,
        tokens: work.usage,
      });
    },
  );
  // In build order, whatever order they finished in: reports and refinement rounds depend on it.
  const works = new Map<string, UnitWork>();
  for (const unit of pkg.units) {
    const work = done.get(unit.name);
    if (work) works.set(unit.name, work);
  }
  return { works, overlay, finalFiles };
}
