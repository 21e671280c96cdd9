/**
 * `specprompt eval`: runs a runtime prompt's cases × repeats × models (× versions when
 * comparing), streams every result to `.specprompt/evals/<run-id>/results.jsonl` as it
 * finishes, and returns the summaries, the comparison and the gate.
 */
import { join } from "node:path";
import { SpecPromptError } from "../errors.js";
import { createProvider, parseModelId } from "../providers/create-provider.js";
import { compareVersions, createPairing } from "./compare-runs.js";
import { type BaselineSource, resolveBaseline } from "./compare-source.js";
import { createModelCaller } from "./model-caller.js";
import { EVAL_CACHE_DIR, openResponseLog } from "./response-log.js";
import { openResultsWriter, writeRunHeader } from "./results-store.js";
import { createSideSummaries } from "./results-summary.js";
import { loadDefinition } from "./run-definition.js";
import { configErrorOf, type JobContext, runJob } from "./run-job.js";
import { countJobs, createJobCursor, fingerprintRun, jobsOfCase, type PlannedSide } from "./run-plan.js";
import { startRun } from "./run-start.js";
import type { EvalOptions, EvalResult } from "./run-types.js";
import { createScheduler } from "./scheduler.js";
import type { EvalCase, PromptPackage } from "./types.js";

export const DEFAULT_CONCURRENCY = 8;
export const DEFAULT_TIMEOUT_MS = 120_000;
export const DEFAULT_RETRIES = 6;

export async function runEval(options: EvalOptions): Promise<EvalResult> {
  const started = Date.now();
  const definition = options.definition ?? (await loadDefinition());
  const load = (dir: string) =>
    definition.loadPackage(dir, {
      cwd: options.cwd,
      env: options.env,
      ...(options.set && { set: options.set }),
    });
  const current = await load(options.dir);
  const models = options.models?.length ? [...new Set(options.models)] : [current.model];
  for (const model of models) parseModelId(model);

  let source: BaselineSource | undefined;
  try {
    let baseline: PromptPackage | undefined;
    if (options.compare !== undefined) {
      source = await resolveBaseline(options.compare, {
        cwd: options.cwd,
        pkgDir: current.dir,
        name: current.name,
      });
      baseline = await load(source.dir);
    }
    // Our own array: the run lets go of each case once its jobs are done.
    const cases: EvalCase[] = [...(await definition.loadCases(current, { cwd: options.cwd }))];
    if (cases.length === 0) {
      throw new SpecPromptError("E_CASES", `${current.name} has no eval cases`, {
        hint: "add case files and list them under evals: in specprompt.yaml",
      });
    }
    const sides: PlannedSide[] = [{ side: "current", models }];
    if (baseline)
      sides.push({ side: "baseline", models: options.models?.length ? models : [baseline.model] });
    checkRenders(cases, current, baseline);
    await definition.prepareCases?.(cases, current.dir);
    return await execute({ options, current, baseline, source, cases, sides, definition, started });
  } finally {
    await source?.cleanup();
  }
}

/** Every case renders with every version before the first call: a missing variable is bad input. */
function checkRenders(cases: readonly EvalCase[], current: PromptPackage, baseline?: PromptPackage): void {
  for (const [pkg, which] of [
    [current, ""],
    [baseline, " (the version compared against)"],
  ] as const) {
    if (!pkg) continue;
    for (const evalCase of cases) {
      try {
        pkg.template.render({ ...pkg.params, ...evalCase.vars });
      } catch (error) {
        if (!(error instanceof SpecPromptError)) throw error;
        throw new SpecPromptError(error.code, `case ${evalCase.id}${which}: ${error.message}`, {
          cause: error,
          ...(error.location && { location: error.location }),
          ...(error.hint && { hint: error.hint }),
        });
      }
    }
  }
}

interface Execution {
  options: EvalOptions;
  current: PromptPackage;
  baseline?: PromptPackage;
  source?: BaselineSource;
  /** Released case by case as the run goes (see createJobCursor). */
  cases: (EvalCase | undefined)[];
  sides: PlannedSide[];
  definition: NonNullable<EvalOptions["definition"]>;
  started: number;
}

async function execute(run: Execution): Promise<EvalResult> {
  const { options, current, baseline, cases, sides } = run;
  const all = cases as EvalCase[];
  const fingerprint = fingerprintRun({ cases: all, current, baseline, sides });
  const total = countJobs(all, sides);
  const summaries = createSideSummaries();
  // Only a comparison pairs results; otherwise every record would wait for a partner forever.
  const pairing = baseline ? createPairing() : undefined;

  const { runId, runDir, header, done } = await startRun({
    pkgDir: current.dir,
    resume: Boolean(options.resume),
    fingerprint,
    started: run.started,
    package: { name: current.name, version: current.version },
    ...(baseline &&
      run.source && {
        baseline: { label: run.source.label, name: baseline.name, version: baseline.version },
      }),
    total,
    // A result of the interrupted run counts when it is one of this plan's jobs.
    onResumed: (record) => {
      const evalCase = cases[record.caseIndex];
      if (!evalCase || !jobsOfCase(evalCase, record.caseIndex, sides).some((job) => job.key === record.key)) {
        return false;
      }
      summaries.add(record);
      pairing?.add(record);
      return true;
    },
  });

  const writer = await openResultsWriter(runDir);
  const cache =
    options.cache === false
      ? undefined
      : await openResponseLog(join(current.dir, EVAL_CACHE_DIR), { segmentName: `${runId}-${process.pid}` });
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const limit = options.concurrency ?? DEFAULT_CONCURRENCY;
  const scheduler = createScheduler({
    limit,
    maxRetries: options.maxRetries ?? DEFAULT_RETRIES,
    signal,
    ...(options.sleep && { sleep: options.sleep }),
    onRetry: (notice) => options.reporter?.({ type: "retry", ...notice }),
  });
  const caller = createModelCaller({
    ...(cache && { cache }),
    scheduler,
    // The provider enforces each attempt's time limit; the scheduler owns every retry.
    createProvider: (model) =>
      (options.createProvider ?? createProvider)(model, {
        env: options.env,
        timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        maxRetries: 0,
      }),
  });
  const ctx: JobContext = {
    cases,
    current,
    ...(baseline && { baseline }),
    caller,
    gradeCase: run.definition.gradeCase,
    spent: { tokens: { input: 0, output: 0 } },
  };
  options.reporter?.({ type: "start", runId, total, done: done.size, concurrency: limit });
  const nextJob = createJobCursor(cases, sides, done);

  let failure: { error: unknown } | undefined;
  const work = async () => {
    for (let job = nextJob.take(); job && !failure && !signal.aborted; job = nextJob.take()) {
      try {
        const record = await runJob(job, ctx);
        nextJob.finish(job);
        summaries.add(record);
        pairing?.add(record);
        const written = writer.append(record);
        if (written) await written;
        options.reporter?.({ type: "result", record, window: scheduler.window });
      } catch (error) {
        failure ??= { error: configErrorOf(error) ?? error };
        stop.abort(failure.error);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(limit, total) }, work));
  } finally {
    // Both files are closed (and the header written) whatever happened; a failed write is the
    // run's failure unless something else failed first.
    const closed = await Promise.allSettled([writer.close(), cache?.close()]);
    const unwritten = closed.find((outcome) => outcome.status === "rejected");
    if (unwritten) failure ??= { error: unwritten.reason };
    const complete = !failure && !signal.aborted;
    await writeRunHeader(runDir, {
      ...header,
      status: complete ? "complete" : "interrupted",
      ...(complete && { finishedAt: new Date().toISOString() }),
    });
  }
  if (failure) throw failure.error;
  options.signal?.throwIfAborted();

  const models = sides[0]!.models;
  const summary = summaries.summary("current", models);
  const baselineSummary = baseline ? summaries.summary("baseline", sides[1]!.models) : undefined;
  const compare =
    pairing && baseline && baselineSummary && run.source
      ? compareVersions({
          pairing,
          baseline: baselineSummary,
          current: summary,
          label: {
            label: run.source.label,
            name: baseline.name,
            version: baseline.version,
            source: run.source.source,
          },
        })
      : undefined;
  const threshold = current.threshold;
  const gate = threshold === undefined ? "none" : summary.passRate >= threshold ? "passed" : "failed";
  return {
    runId,
    runDir,
    package: { name: current.name, version: current.version, dir: current.dir },
    models,
    ...(threshold !== undefined && { threshold }),
    gate,
    status: gate === "failed" || compare?.verdict === "regression" ? "failed" : "passed",
    summary,
    ...(baselineSummary && { baselineSummary }),
    ...(compare && { compare }),
    calls: {
      calls: caller.stats.calls,
      cached: caller.stats.cached,
      attempts: scheduler.stats.attempts,
      retries: scheduler.stats.retries,
      rateLimited: scheduler.stats.rateLimited,
      spent: ctx.spent,
    },
    resumed: done.size,
    durationMs: Date.now() - run.started,
    warnings: [
      ...(current.warnings ?? []),
      ...(baseline?.warnings ?? []).map((warning) => `${warning} (compared version)`),
    ],
  };
}
