/**
 * The plan of an eval run, pure: which jobs (cases × repeats × models × versions) run in which
 * order, and the fingerprint that a resumed run must match.
 */
import { createHash } from "node:crypto";
import { stableStringify } from "../util/stable-json.js";
import type { RunFingerprint } from "./results-store.js";
import type { EvalJob, Side } from "./run-types.js";
import type { EvalCase, PromptPackage } from "./types.js";

export interface PlannedSide {
  side: Side;
  models: string[];
}

/**
 * The jobs of one case: its repeats, models and versions next to each other, so the two halves
 * of a compared pair finish close together (and identical requests share one call). Jobs are
 * made case by case as the run goes, never all at once.
 */
export function jobsOfCase(evalCase: EvalCase, caseIndex: number, sides: readonly PlannedSide[]): EvalJob[] {
  const jobs: EvalJob[] = [];
  const longest = Math.max(...sides.map((side) => side.models.length));
  for (let repeat = 0; repeat < Math.max(1, evalCase.repeat); repeat++) {
    for (let modelIndex = 0; modelIndex < longest; modelIndex++) {
      for (const { side, models } of sides) {
        const model = models[modelIndex];
        if (model === undefined) continue;
        jobs.push({
          key: jobKey(side, model, evalCase.id, repeat),
          side,
          caseIndex,
          repeat,
          model,
          modelIndex,
        });
      }
    }
  }
  return jobs;
}

/**
 * Hands out jobs case by case, skipping those a resumed run already has, and lets go of each
 * case (sets its entry to undefined) once its last job is done: a long run holds only the cases
 * still in flight.
 */
export function createJobCursor(
  cases: (EvalCase | undefined)[],
  sides: readonly PlannedSide[],
  done: ReadonlySet<string>,
) {
  const outstanding = new Uint32Array(cases.length);
  let cursor = 0;
  let queue: EvalJob[] = [];
  return {
    /** The next job, or undefined when every job has been handed out. */
    take(): EvalJob | undefined {
      while (queue.length === 0 && cursor < cases.length) {
        const caseIndex = cursor++;
        queue = jobsOfCase(cases[caseIndex]!, caseIndex, sides).filter((job) => !done.has(job.key));
        outstanding[caseIndex] = queue.length;
        if (queue.length === 0) cases[caseIndex] = undefined;
      }
      return queue.shift();
    },
    /** Tells the cursor a job is done with its case. */
    finish(job: EvalJob): void {
      if (--outstanding[job.caseIndex]! === 0) cases[job.caseIndex] = undefined;
    },
  };
}

/** How many jobs the cases make. */
export function countJobs(cases: readonly EvalCase[], sides: readonly PlannedSide[]): number {
  const perRepeat = sides.reduce((sum, side) => sum + side.models.length, 0);
  return cases.reduce((sum, evalCase) => sum + Math.max(1, evalCase.repeat) * perRepeat, 0);
}

/** `<side>|<model>|<case id>|<repeat>`: a job's identity across runs of the same plan. */
export function jobKey(side: Side, model: string, caseId: string, repeat: number): string {
  return `${side}|${model}|${caseId}|${repeat}`;
}

/** What a version contributes to a request: template, default vars and model settings. */
export function versionHash(pkg: PromptPackage): string {
  return sha(
    stableStringify({ template: pkg.template.hash, params: pkg.params, modelParams: pkg.modelParams }),
  );
}

/** The run's fingerprint: cases, each version and the models. */
export function fingerprintRun(input: {
  cases: readonly EvalCase[];
  current: PromptPackage;
  baseline?: PromptPackage;
  sides: readonly PlannedSide[];
}): RunFingerprint {
  // Cases come from the loader in a fixed key order, so plain JSON is canonical enough here; a
  // reordered but equal case file reads as changed, which only refuses a resume.
  const hash = createHash("sha256");
  for (const evalCase of input.cases) hash.update(`${JSON.stringify(evalCase)}\n`);
  const modelsOf = (side: Side) => input.sides.find((planned) => planned.side === side)?.models;
  return {
    cases: hash.digest("hex"),
    current: versionHash(input.current),
    ...(input.baseline && { baseline: versionHash(input.baseline) }),
    models: modelsOf("current") ?? [],
    ...(input.baseline && { baselineModels: modelsOf("baseline") ?? [] }),
  };
}

/** Why a run with fingerprint `now` cannot continue the run recorded as `before`, or undefined. */
export function describeMismatch(before: RunFingerprint, now: RunFingerprint): string | undefined {
  const reasons: string[] = [];
  if (before.cases !== now.cases) reasons.push("the cases changed");
  if (before.current !== now.current) reasons.push("the template, params or model params changed");
  if ((before.baseline === undefined) !== (now.baseline === undefined)) {
    reasons.push(before.baseline === undefined ? "it did not compare versions" : "it compared versions");
  } else if (before.baseline !== now.baseline) reasons.push("the version compared against changed");
  if (before.models.join(",") !== now.models.join(",")) {
    reasons.push(`it ran ${before.models.join(", ")}, not ${now.models.join(", ")}`);
  } else if ((before.baselineModels ?? []).join(",") !== (now.baselineModels ?? []).join(",")) {
    reasons.push("the baseline's models changed");
  }
  return reasons.length > 0 ? reasons.join("; ") : undefined;
}

function sha(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
