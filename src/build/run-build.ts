import { rmSync } from "node:fs";
import { join } from "node:path";
import { CACHE_DIR, createFileCache } from "../cache/response-cache.js";
import type { Lock, UnitLock, ValidationRecord } from "../lock/lock-schema.js";
import { lockedUnit } from "../lock/locked-unit.js";
import { readLockFile } from "../lock/read-lock.js";
import { loadPackage } from "../package/load-package.js";
import type { LoadedPackage } from "../package/types.js";
import { costOf } from "../providers/pricing.js";
import type { Provider, ProviderEnv } from "../providers/types.js";
import { recoverTransactions } from "../util/file-transaction.js";
import { sha256 } from "../util/hash.js";
import { runGraph } from "../util/run-graph.js";
import { type BuildContext, scratchDir, stagingDir } from "./build-context.js";
import { acquireBuildLock } from "./build-lock.js";
import type { BuildOptions, BuildResult } from "./build-types.js";
import { assertNothingLost, commitBuild, findForeignFiles, findHandEdits } from "./commit-build.js";
import { composeLock } from "./compose-lock.js";
import { checkFreshBuild, makeBuildId, upToDateResult } from "./fresh-build.js";
import { freshnessKey } from "./freshness-index.js";
import { generateUnit, type UnitFiles } from "./generate-unit.js";
import { findMissingOutputs } from "./missing-outputs.js";
import { type BuildPlan, planBuild, type UnitAction } from "./plan-build.js";
import { recordFresh } from "./record-fresh.js";
import { runValidation, type ValidationResult } from "./run-validation.js";
import { computeUnitInputs, hashOutputs } from "./unit-inputs.js";
import { createWorkTree } from "./work-tree.js";

/** Build a package: plan, generate what is stale, validate, and commit outputs and lock atomically. */
export type { BuildOptions, BuildResult, UnitReport } from "./build-types.js";

export async function runBuild(options: BuildOptions): Promise<BuildResult> {
  const started = Date.now();
  const fresh = await checkFreshBuild(options);
  if (fresh) return fresh;
  const { pkg, warnings } = await loadPackage(options.dir, {
    cwd: options.cwd,
    set: options.set,
    model: options.model,
    env: options.env,
  });
  const release = acquireBuildLock(pkg.dir);
  try {
    return await buildLocked(options, pkg, warnings, started);
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
  const lockFile = await readLockFile(pkg.dir);
  const previous = lockFile?.lock;
  const previousLockText = lockFile?.text;

  const missing = findMissingOutputs(pkg, previous);
  const plan = planBuild(pkg, previous, missing);
  const report = options.reporter ?? (() => {});
  report({ type: "plan", plan });

  const time = now();
  const buildId = makeBuildId(time);
  const result = upToDateResult(
    buildId,
    { package: { name: pkg.manifest.name, version: pkg.manifest.version, dir: pkg.dir }, plan, warnings },
    started,
  );
  const nothingToDo =
    plan.units.every((unitPlan) => unitPlan.action === "keep") && plan.removedUnits.length === 0;
  const lockCurrent =
    previous?.name === pkg.manifest.name &&
    previous.version === pkg.manifest.version &&
    JSON.stringify(previous.params) === JSON.stringify(pkg.params);
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

  const overlay = new Map<string, string | null>();
  const updated = new Map<string, UnitLock>();
  const finalFiles = new Map<string, UnitFiles>();
  const unitsByName = new Map(pkg.units.map((unit) => [unit.name, unit]));

  await runGraph(
    pkg.units.map((unit) => ({ id: unit.name, deps: unit.needs })),
    Math.max(1, options.concurrency ?? 4),
    async (name) => {
      const unit = unitsByName.get(name)!;
      const unitPlan = planByUnit.get(name)!;
      const entry = lockedUnit(previous, name);
      if (unitPlan.action === "keep" && unit.needs.length === 0 && entry) {
        // Without needs, the plan's input hash is already final: nothing to recompute.
        finalFiles.set(name, { hashes: entry.outputs });
        return;
      }
      const needsState: Record<string, string> = {};
      for (const need of unit.needs) needsState[need] = hashOutputs(finalFiles.get(need)?.hashes ?? {});
      const { inputs, inputHash } = computeUnitInputs(pkg, unit, needsState);
      const missingFiles = missing[name] !== undefined;
      if (entry && entry.inputHash === inputHash && !missingFiles) {
        finalFiles.set(name, { hashes: entry.outputs });
        if (unitPlan.action !== "keep") ctx.report({ type: "unit-kept", unit: name });
        return;
      }
      const action: UnitAction = entry && entry.inputHash === inputHash ? "restore" : "generate";
      ctx.report({ type: "unit-start", unit: name, action, model: unit.model });
      const generation = await generateUnit(ctx, unit, finalFiles, overlay);
      const hashes: Record<string, string> = {};
      for (const [path, content] of generation.files) {
        hashes[path] = sha256(content);
        overlay.set(path, content);
      }
      for (const path of Object.keys(entry?.outputs ?? {})) {
        if (!generation.files.has(path)) overlay.set(path, null);
      }
      finalFiles.set(name, { hashes, contents: generation.files });
      const price = (tokens: { input: number; output: number }) =>
        costOf(unit.model, { inputTokens: tokens.input, outputTokens: tokens.output }, pkg.manifest.pricing);
      const cost = price(generation.usage);
      const spentCost =
        generation.cached === generation.requests.length ? undefined : price(generation.spent);
      const restoredExactly =
        action === "restore" && hashOutputs(hashes) === hashOutputs(entry?.outputs ?? {});
      if (!restoredExactly) {
        updated.set(name, {
          inputHash,
          inputs,
          outputs: hashes,
          requests: generation.requests,
          tokens: generation.usage,
          cost,
          iterations: 1,
          buildId: ctx.buildId,
          builtAt: time.toISOString(),
        });
      }
      result.tokens.input += generation.spent.input;
      result.tokens.output += generation.spent.output;
      if (spentCost !== undefined) result.cost = round((result.cost ?? 0) + spentCost);
      result.units.push({
        unit: name,
        action,
        reasons: unitPlan.reasons,
        model: unit.model,
        files: [...generation.files.keys()].sort(),
        tokens: generation.spent,
        cost: spentCost,
        requests: generation.requests.length,
        cachedRequests: generation.cached,
        refused: generation.refused,
      });
      ctx.report({
        type: "unit-done",
        unit: name,
        files: generation.files.size,
        cached: generation.cached === generation.requests.length,
        tokens: generation.usage,
      });
    },
  );

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
  assertNothingLost(
    findForeignFiles(pkg.outDir, overlay, known),
    ctx.force,
    "this build would overwrite files specprompt did not write",
  );

  let validation: ValidationRecord | undefined;
  if ((updated.size > 0 || result.plan.removedUnits.length > 0) && pkg.validation.command) {
    const outcome = await validate(ctx, overlay);
    result.validation = outcome;
    validation = { command: outcome.command, passed: outcome.passed, exitCode: outcome.exitCode };
    if (!outcome.passed) {
      result.status = "failed";
      return result;
    }
    for (const [name, entry] of updated) updated.set(name, { ...entry, validation });
  }

  const lock = composeLock({
    pkg,
    previous,
    updated,
    buildId: ctx.buildId,
    time: time.toISOString(),
    tokens: result.tokens,
    cost: result.cost,
    validation,
  });
  const committed = await commitBuild({
    pkgDir: pkg.dir,
    outDir: pkg.outDir,
    buildId: ctx.buildId,
    writes: overlay,
    lock,
    previousLockText,
  });
  ctx.report({ type: "commit", files: committed.files });
  result.filesWritten = committed.files;
  result.lockWritten = committed.lockWritten;
  result.status = updated.size > 0 || committed.files > 0 ? "built" : "up-to-date";
  await rememberFresh(pkg, lock, result, options, planned.started);
  return result;
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
  await recordFresh(
    pkg,
    lock,
    { package: result.package, plan, warnings: result.warnings },
    freshnessKey(options),
    started,
  );
}

async function validate(
  ctx: BuildContext,
  overlay: ReadonlyMap<string, string | null>,
): Promise<ValidationResult> {
  const { pkg } = ctx;
  const command = pkg.validation.command!;
  const dir = join(scratchDir(pkg.dir, ctx.buildId), "validate");
  await createWorkTree(pkg.outDir, dir, overlay);
  ctx.report({ type: "validation-start", command });
  const outcome = await runValidation({
    command,
    cwd: dir,
    timeoutMs: pkg.validation.timeoutMs,
    passEnv: pkg.validation.env,
    env: ctx.providerEnv.env,
    signal: ctx.signal,
  });
  ctx.report({ type: "validation-done", result: outcome });
  return outcome;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
