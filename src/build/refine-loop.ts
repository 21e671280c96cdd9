import { realpathSync } from "node:fs";
import { join } from "node:path";
import { runGraph } from "../util/run-graph.js";
import { cleanOutput } from "../validate/clean-output.js";
import { formatFailureReport } from "../validate/failure-report.js";
import { extractFailures } from "../validate/failures.js";
import type { TestReport } from "../validate/test-report.js";
import { assemblePrompt, type NeededFile } from "./assemble-prompt.js";
import { assembleRefinement } from "./assemble-refinement.js";
import { type BuildContext, scratchDir } from "./build-context.js";
import { readNeededFiles, sendUnit, type UnitFiles } from "./generate-unit.js";
import type { UnitGeneration } from "./generate-with-chat.js";
import { everyUnit, pickRefineUnits } from "./pick-refine-units.js";
import { runValidation, type ValidationResult } from "./run-validation.js";
import { addRound, applyToOverlay, hashFiles, type UnitWork } from "./unit-work.js";
import { createWorkTree } from "./work-tree.js";

/** The state of a build between rounds; the loop updates it in place. */
export interface LoopState {
  /** The units this build generated, in build order. */
  works: Map<string, UnitWork>;
  /** Pending writes to the output tree. */
  overlay: Map<string, string | null>;
  /** Every unit's current files (kept units: hashes only). */
  finalFiles: Map<string, UnitFiles>;
}

export interface LoopOutcome {
  passed: boolean;
  /** Validation runs made. */
  iterations: number;
  /** The last run and what its output says. */
  result: ValidationResult;
  report: TestReport;
  /** The failure report of the last run, when it failed. */
  failures?: string;
  /** Units a refinement changed. */
  revised: Set<string>;
  /** Why the loop gave up before the bound, when it did. */
  stopped?: string;
}

/**
 * Validate, and while the tests fail and rounds are left, send the failures back to the units
 * they point to and validate again: generate → validate → refine → regenerate, at most
 * `maxIterations` generation rounds in all (the first one already ran).
 */
export async function validateAndRefine(
  ctx: BuildContext,
  state: LoopState,
  options: { maxIterations: number; concurrency: number },
): Promise<LoopOutcome> {
  const { pkg } = ctx;
  const command = pkg.validation.command!;
  const revised = new Set<string>();
  let previous: string | undefined;
  for (let iteration = 1; ; iteration++) {
    const { result, report, output } = await validateOnce(
      ctx,
      state.overlay,
      iteration,
      options.maxIterations,
    );
    if (result.passed) return { passed: true, iterations: iteration, result, report, revised };
    const failures = formatFailureReport({
      command,
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      timeoutMs: pkg.validation.timeoutMs,
      report,
      output,
    });
    const outcome = { passed: false, iterations: iteration, result, report, failures, revised };
    if (iteration >= options.maxIterations) return outcome;
    let choice = pickRefineUnits(report.failures, {
      units: [...state.works.keys()],
      owners: ownersOf(state.finalFiles),
      tests: pkg.tests,
    });
    // The last fix left the very same failures: the cause is elsewhere, so widen to the whole build.
    if (failures === previous && !choice.all) choice = everyUnit([...state.works.keys()]);
    previous = failures;
    const round = {
      attempt: iteration,
      maxIterations: options.maxIterations,
      failures,
      revised,
      concurrency: options.concurrency,
    };
    let changed = await refineRound(ctx, state, { ...round, units: choice.units });
    const rest = [...state.works.keys()].filter((unit) => !choice.units.includes(unit));
    if (changed === 0 && rest.length > 0) {
      // The units the failures point to changed nothing: the rest of the build gets its turn now.
      changed = await refineRound(ctx, state, { ...round, units: rest, shown: choice.units });
    }
    // Nothing changed: the next run would fail the same way and ask the same, already cached, question.
    if (changed === 0) return { ...outcome, stopped: "the model changed nothing" };
  }
}

async function validateOnce(
  ctx: BuildContext,
  overlay: ReadonlyMap<string, string | null>,
  iteration: number,
  maxIterations: number,
): Promise<{ result: ValidationResult; report: TestReport; output: string }> {
  const { pkg } = ctx;
  const command = pkg.validation.command!;
  const dir = join(scratchDir(pkg.dir, ctx.buildId), "validate");
  await createWorkTree(pkg.outDir, dir, overlay);
  ctx.report({ type: "validation-start", command, iteration, maxIterations });
  const result = await runValidation({
    command,
    cwd: dir,
    timeoutMs: pkg.validation.timeoutMs,
    passEnv: pkg.validation.env,
    env: ctx.providerEnv.env,
    signal: ctx.signal,
  });
  // Stopped by Ctrl-C, not by the tests: nothing to refine, nothing to write.
  ctx.signal?.throwIfAborted();
  const roots = [dir, realpathSync(dir), pkg.outDir];
  const report = extractFailures(result.output, roots);
  ctx.report({ type: "validation-done", result, iteration, maxIterations, failed: report.failures.length });
  return { result, report, output: cleanOutput(result.output, roots) };
}

/** Every current output path → its unit. */
function ownersOf(finalFiles: ReadonlyMap<string, UnitFiles>): Map<string, string> {
  const owners = new Map<string, string>();
  for (const [unit, files] of finalFiles)
    for (const path of Object.keys(files.hashes)) owners.set(path, unit);
  return owners;
}

/**
 * One round of refinement: every unit in `units` gets its original prompt plus the failures, the
 * criteria and the current files, in parallel, all from the same snapshot. Returns how many files
 * changed.
 */
async function refineRound(
  ctx: BuildContext,
  state: LoopState,
  round: {
    units: string[];
    /** Units whose current files are shown too, though they are not sent back. */
    shown?: string[];
    attempt: number;
    maxIterations: number;
    failures: string;
    revised: Set<string>;
    concurrency: number;
  },
): Promise<number> {
  const { pkg } = ctx;
  ctx.report({
    type: "refine-start",
    units: round.units,
    iteration: round.attempt + 1,
    maxIterations: round.maxIterations,
  });
  const snapshot = new Map(state.overlay);
  const generations = await runGraph(
    round.units.map((id) => ({ id, deps: [] })),
    round.concurrency,
    async (name): Promise<UnitGeneration> => {
      const work = state.works.get(name)!;
      const mode = work.unit.model.startsWith("cmd:") ? "agent" : "chat";
      const others = round.units.filter((unit) => unit !== name);
      // The files of the units sent back, and of needed units an earlier round changed (the
      // original prompt shows those as they were).
      const concerned = new Set([
        name,
        ...others,
        ...(round.shown ?? []),
        ...work.unit.needs.filter((need) => round.revised.has(need)),
      ]);
      const files: NeededFile[] = [...concerned].flatMap((unit) =>
        [...state.works.get(unit)!.files]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([path, content]) => ({ unit, path, content })),
      );
      const followUp = assembleRefinement({
        unit: name,
        attempt: round.attempt,
        maxIterations: round.maxIterations,
        command: pkg.validation.command!,
        failures: round.failures,
        criteria: pkg.criteria,
        importedCriteria: pkg.imports?.criteria,
        files,
        others,
        mode,
      });
      const prompt =
        work.prompt ??
        assemblePrompt(pkg, work.unit, await readNeededFiles(pkg.outDir, work.unit, state.finalFiles), mode);
      return sendUnit(ctx, work.unit, { prompt, overlay: snapshot, followUp });
    },
  );
  let changed = 0;
  for (const name of round.units) {
    const work = state.works.get(name)!;
    const generation = generations.get(name)!;
    // A chat model rewrites the files it changes; an agent leaves the unit's whole set behind.
    const files = work.unit.model.startsWith("cmd:")
      ? new Map(generation.files)
      : new Map([...work.files, ...generation.files]);
    const dropped = [...work.files.keys()].filter((path) => !files.has(path));
    const differing =
      dropped.length + [...files].filter(([path, content]) => work.files.get(path) !== content).length;
    addRound(work, generation, files);
    applyToOverlay(state.overlay, files, dropped);
    state.finalFiles.set(name, { hashes: hashFiles(files), contents: files });
    if (differing > 0) round.revised.add(name);
    changed += differing;
    ctx.report({
      type: "refine-done",
      unit: name,
      changed: differing,
      cached: generation.cached === generation.requests.length,
      tokens: generation.spent,
    });
  }
  return changed;
}
