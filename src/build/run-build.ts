import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { CACHE_DIR, createFileCache } from "../cache/response-cache.js";
import type { Lock, ValidationRecord } from "../lock/lock-schema.js";
import { lockedUnit } from "../lock/locked-unit.js";
import { readLockFile } from "../lock/read-lock.js";
import { findManifest } from "../package/find-manifest.js";
import { importsPinned } from "../package/imports/imported-files.js";
import { pruneVendored, vendoredKeys } from "../package/imports/vendor-git.js";
import { loadPackage } from "../package/load-package.js";
import { targetNames } from "../package/targets.js";
import type { LoadedPackage } from "../package/types.js";
import type { Provider, ProviderEnv } from "../providers/types.js";
import { recoverTransactions } from "../util/file-transaction.js";
import { type BuildContext, scratchDir, stagingDir } from "./build-context.js";
import { acquireBuildLock } from "./build-lock.js";
import type { BuildOptions, BuildResult } from "./build-types.js";
import { assertNothingLost, commitBuild, findForeignFiles, findHandEdits } from "./commit-build.js";
import { compareWithLock } from "./compare-with-lock.js";
import { composeLock } from "./compose-lock.js";
import { checkCriteriaCoverage } from "./criteria-coverage.js";
import { checkFreshBuild, makeBuildId, upToDateResult } from "./fresh-build.js";
import { freshnessKey } from "./freshness-index.js";
import { generateStaleUnits } from "./generate-round.js";
import { withoutHandwritten } from "./handwritten.js";
import { keepFailedAttempt } from "./keep-failed-attempt.js";
import { findMissingOutputs } from "./missing-outputs.js";
import { type BuildPlan, planBuild } from "./plan-build.js";
import { recordFresh } from "./record-fresh.js";
import { type LoopOutcome, type LoopState, validateAndRefine } from "./refine-loop.js";
import { priceOf, reportUnits, settleUnits } from "./settle-units.js";
import { matchesEntry } from "./unit-work.js";

/** Build a package: plan, generate what is stale, validate, and commit outputs and lock atomically. */
export type { BuildOptions, BuildResult, UnitReport } from "./build-types.js";

export async function runBuild(options: BuildOptions): Promise<BuildResult> {
  const started = Date.now();
  const fresh = options.freshChecked ? undefined : await checkFreshBuild(options);
  if (fresh) return fresh;
  // Locked before loading: loading may fetch and vendor git imports into the package.
  const release = acquireBuildLock(dirname(await findManifest(options.dir, options.cwd)));
  try {
    const { pkg, warnings } = await loadPackage(options.dir, {
      cwd: options.cwd,
      set: options.set,
      model: options.model,
      env: options.env,
      target: options.target,
      // Only a build fetches a git import that is not vendored yet, and never with --offline.
      imports: options.offline ? "offline" : "fetch",
    });
    const result = await buildLocked(options, pkg, warnings, started);
    // Vendored copies the lock no longer pins go only once a build has committed.
    if (result.status !== "failed") pruneVendored(pkg.dir, vendoredKeys(pkg.dir, pkg.imports));
    return result;
  } finally {
    release();
  }
}

async function buildLocked(
  options: BuildOptions,
  pkg: LoadedPackage,
  warnings: string[],
  started: number,
): Promise<BuildResult> {
  const now = options.now ?? (() => new Date());
  await recoverTransactions(stagingDir(pkg.dir));
  const lockFile = await readLockFile(pkg.dir, pkg.target);
  const previous = withoutHandwritten(lockFile?.lock, pkg);
  const previousLockText = lockFile?.text;

  const missing = findMissingOutputs(pkg, previous);
  const plan = planBuild(pkg, previous, missing);
  const report = options.reporter ?? (() => {});
  report({ type: "plan", plan });

  const time = now();
  const buildId = makeBuildId(time);
  const result = upToDateResult(
    buildId,
    {
      package: {
        name: pkg.manifest.name,
        version: pkg.manifest.version,
        dir: pkg.dir,
        ...(pkg.target !== undefined && { target: pkg.target }),
      },
      plan,
      warnings,
    },
    started,
  );
  result.criteria = checkCriteriaCoverage(pkg);
  const uncovered = result.criteria?.uncovered ?? [];
  if (pkg.manifest.validation?.requireCoverage && uncovered.length > 0) {
    // Criteria and tests are both known before any model is asked: fail before spending anything.
    result.status = "failed";
    result.failure = {
      reason: "coverage",
      message: `validation.requireCoverage is set and no test names ${uncovered.map((criterion) => criterion.id).join(", ")}`,
    };
    result.durationMs = Date.now() - started;
    return result;
  }
  const nothingToDo =
    plan.units.every((unitPlan) => unitPlan.action === "keep") && plan.removedUnits.length === 0;
  const lockCurrent =
    previous?.name === pkg.manifest.name &&
    previous.version === pkg.manifest.version &&
    JSON.stringify(previous.params) === JSON.stringify(pkg.params) &&
    importsPinned(previous.imports, pkg.imports);
  if (nothingToDo && lockCurrent) {
    if (previous) await rememberFresh(pkg, previous, result, options, started);
    result.durationMs = Date.now() - started;
    return result;
  }

  const providerEnv: ProviderEnv = {
    env: options.env,
    timeoutMs: options.timeoutMs ?? 300_000,
    maxRetries: options.maxRetries ?? 4,
    onRetry: (retry) => report({ type: "retry", retry }),
  };
  const providers = new Map<string, Promise<Provider>>();
  const create =
    options.createProvider ??
    (async (id, env) => (await import("../providers/create-provider.js")).createProvider(id, env));
  const ctx: BuildContext = {
    pkg,
    buildId,
    cache: options.cache ?? createFileCache(join(pkg.dir, CACHE_DIR)),
    offline: options.offline ?? false,
    force: options.force ?? false,
    stamp: options.stamp ?? false,
    providerEnv,
    getProvider(modelId) {
      let provider = providers.get(modelId);
      if (!provider) {
        provider = create(modelId, providerEnv);
        providers.set(modelId, provider);
      }
      return provider;
    },
    report,
    signal: options.signal,
  };

  try {
    return await generateAndCommit(ctx, options, {
      result,
      previous,
      previousLockText,
      time,
      started,
      missing,
    });
  } finally {
    rmSync(scratchDir(pkg.dir, buildId), { recursive: true, force: true });
    result.durationMs = Date.now() - started;
  }
}

/** What the planning step of a build hands to the generating step. */
interface PlannedBuild {
  /** The result so far (plan filled in); completed in place. */
  result: BuildResult;
  previous: Lock | undefined;
  previousLockText: string | undefined;
  time: Date;
  started: number;
  /** Recorded outputs missing on disk, by unit. */
  missing: Record<string, string[]>;
}

async function generateAndCommit(
  ctx: BuildContext,
  options: BuildOptions,
  planned: PlannedBuild,
): Promise<BuildResult> {
  const { pkg } = ctx;
  const { result, previous, previousLockText, time, missing } = planned;
  const planByUnit = new Map(result.plan.units.map((unitPlan) => [unitPlan.unit, unitPlan]));
  for (const unitPlan of planByUnit.values()) {
    if (unitPlan.action !== "generate") continue;
    const recorded = lockedUnit(previous, unitPlan.unit)?.outputs ?? {};
    assertNothingLost(
      findHandEdits(pkg.outDir, recorded),
      ctx.force,
      `regenerating unit ${unitPlan.unit} would overwrite hand edits`,
    );
  }

  const concurrency = Math.max(1, options.concurrency ?? 4);
  const state = await generateStaleUnits(ctx, { plans: planByUnit, previous, missing, concurrency });
  const { overlay } = state;

  for (const removed of result.plan.removedUnits) {
    const outputs = lockedUnit(previous, removed)?.outputs ?? {};
    assertNothingLost(
      findHandEdits(pkg.outDir, outputs),
      ctx.force,
      `removing unit ${removed} would delete hand edits`,
    );
    for (const path of Object.keys(outputs)) if (!overlay.has(path)) overlay.set(path, null);
  }

  const known = new Set(Object.values(previous?.units ?? {}).flatMap((entry) => Object.keys(entry.outputs)));
  const checkForeignFiles = () =>
    assertNothingLost(
      findForeignFiles(pkg.outDir, overlay, known),
      ctx.force,
      "this build would overwrite files specprompt did not write",
    );
  checkForeignFiles();

  let validation: ValidationRecord | undefined;
  let revised: ReadonlySet<string> = new Set();
  const changed =
    [...state.works.values()].some((work) => !matchesEntry(work)) || result.plan.removedUnits.length > 0;
  if (changed && pkg.validation.command) {
    const maxIterations = options.maxIterations ?? pkg.validation.maxIterations;
    const loop = await validateAndRefine(ctx, state, { maxIterations, concurrency });
    revised = loop.revised;
    result.iterations = loop.iterations;
    const tests = loop.report.counts;
    result.validation = {
      ...loop.result,
      ...(tests && { tests }),
      ...(!loop.passed && { failures: loop.report.failures, report: loop.failures }),
    };
    validation = {
      command: loop.result.command,
      passed: loop.result.passed,
      exitCode: loop.result.exitCode,
      ...(tests && { tests }),
    };
    if (!loop.passed) {
      summarizeUnits(pkg, state, result);
      await giveUp(ctx, state, loop, maxIterations, result);
      result.comparison = compare(options, pkg, previous, state, validation, planned.started);
      return result;
    }
    // A refinement may have written files the first round did not.
    checkForeignFiles();
  }

  summarizeUnits(pkg, state, result);
  const updated = settleUnits(pkg, previous, state, {
    buildId: ctx.buildId,
    builtAt: time.toISOString(),
    validation,
    revised,
  });
  const lock = composeLock({
    pkg,
    previous,
    updated,
    buildId: ctx.buildId,
    time: time.toISOString(),
    tokens: result.tokens,
    cost: result.cost,
    validation,
    durationMs: Date.now() - planned.started,
  });
  const committed = await commitBuild({
    pkgDir: pkg.dir,
    outDir: pkg.outDir,
    buildId: ctx.buildId,
    writes: overlay,
    lock,
    previousLockText,
    target: pkg.target,
    targets: targetNames(pkg.manifest),
  });
  ctx.report({ type: "commit", files: committed.files });
  result.filesWritten = committed.files;
  result.lockWritten = committed.lockWritten;
  result.status = updated.size > 0 || committed.files > 0 ? "built" : "up-to-date";
  result.comparison = compare(options, pkg, previous, state, validation, planned.started);
  await rememberFresh(pkg, lock, result, options, planned.started);
  return result;
}

/** A build out of rounds: keep the last attempt for inspection and say what still fails. */
async function giveUp(
  ctx: BuildContext,
  state: LoopState,
  loop: LoopOutcome,
  maxIterations: number,
  result: BuildResult,
): Promise<void> {
  const failedDir = await keepFailedAttempt(ctx.pkg.dir, {
    buildId: ctx.buildId,
    writes: state.overlay,
    report: loop.failures ?? "",
    log: loop.result.output,
    summary: {
      buildId: ctx.buildId,
      command: loop.result.command,
      exitCode: loop.result.exitCode,
      timedOut: loop.result.timedOut,
      iterations: loop.iterations,
      maxIterations,
      tests: loop.report.counts,
      units: Object.fromEntries(
        result.units.map((unit) => [unit.unit, { iterations: unit.iterations, files: unit.files }]),
      ),
    },
  });
  const rounds = `${loop.iterations} of ${maxIterations} iteration${maxIterations === 1 ? "" : "s"}`;
  result.status = "failed";
  result.failure = {
    reason: "validation",
    message: `${loop.result.command} still fails after ${rounds}${loop.stopped ? ` (${loop.stopped})` : ""}`,
    failedDir,
  };
}

/** The per-unit lines of the report and the build's spent tokens and cost. */
function summarizeUnits(pkg: LoadedPackage, state: LoopState, result: BuildResult): void {
  result.units = reportUnits(pkg, state);
  for (const unit of result.units) {
    result.tokens.input += unit.tokens.input;
    result.tokens.output += unit.tokens.output;
    if (unit.cost !== undefined) result.cost = round((result.cost ?? 0) + unit.cost);
  }
}

/** With --model, this build against the lock it replaces. */
function compare(
  options: BuildOptions,
  pkg: LoadedPackage,
  previous: Lock | undefined,
  state: LoopState,
  validation: ValidationRecord | undefined,
  started: number,
) {
  if (options.model === undefined) return undefined;
  const built = [...state.works.values()].map((work) => ({
    name: work.unit.name,
    model: work.unit.model,
    tokens: work.usage,
    cost: priceOf(pkg, work.unit.model, work.usage),
    iterations: work.iterations,
  }));
  return compareWithLock(previous, built, {
    passed: validation?.passed,
    tests: validation?.tests,
    durationMs: Date.now() - started,
  });
}

async function rememberFresh(
  pkg: LoadedPackage,
  lock: Lock,
  result: BuildResult,
  options: BuildOptions,
  started: number,
): Promise<void> {
  // Every unit was just checked or regenerated against this lock, so it is all "keep"; the plan is
  // read from the lock rather than recomputed (that would hash every input a second time).
  const units: BuildPlan["units"] = [];
  for (const unit of pkg.units) {
    const entry = lock.units[unit.name];
    if (!entry) return;
    units.push({ unit: unit.name, action: "keep", reasons: [], inputHash: entry.inputHash });
  }
  const plan: BuildPlan = { units, removedUnits: [] };
  const record = () =>
    recordFresh(
      pkg,
      lock,
      { package: result.package, plan, warnings: result.warnings },
      freshnessKey(options),
      started,
    );
  // A long-running caller records after it has answered; the record ignores files edited since `started`.
  if (options.defer) options.defer(record);
  else await record();
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
