/** SpecPrompt as a library: everything the CLI does, callable from TypeScript. */

export {
  type AbsorbedUnit,
  type AbsorbOptions,
  type AbsorbProposal,
  type AbsorbReport,
  absorbHandEdits,
} from "./absorb/absorb-hand-edits.js";
export { assemblePrompt, PROMPT_FORMAT_VERSION, WRITE_FILE_TOOL } from "./build/assemble-prompt.js";
export type { BuildEvent } from "./build/build-events.js";
export { planPackage, showUnitPrompt } from "./build/inspect-package.js";
export { type BuildPlan, planBuild, type UnitPlan } from "./build/plan-build.js";
export { type BuildOptions, type BuildResult, runBuild, type UnitReport } from "./build/run-build.js";
export { main } from "./cli/main.js";
export { type BlameReport, blameFile } from "./drift/blame-file.js";
export { type DiffReport, diffHandEdits, type FileDiff } from "./drift/diff-hand-edits.js";
export { type LockedRequestsView, showLockedRequests } from "./drift/locked-requests.js";
export { type FileState, type FileStatus, readStatus, type StatusReport } from "./drift/read-status.js";
export { type CheckItem, type CheckReport, runCheck } from "./drift/run-check.js";
export * from "./errors.js";
export { gradeCase } from "./eval/assertions.js";
export { iterateCases, loadCases } from "./eval/cases.js";
export { loadPromptPackage } from "./eval/load-prompt-package.js";
export { judgeChange, mcnemarExact, type Verdict } from "./eval/mcnemar.js";
export { runEval } from "./eval/run-eval.js";
export type { CompareReport, EvalOptions, EvalResult, ResultRecord, Summary } from "./eval/run-types.js";
export { compileTemplate } from "./eval/template.js";
export type * from "./eval/types.js";
export type { Lock, UnitLock } from "./lock/lock-schema.js";
export { parseLock } from "./lock/parse-lock.js";
export { LOCK_FILE, readLock, readLockFile, serializeLock } from "./lock/read-lock.js";
export { MAX_IMPORT_DEPTH, resolveImports } from "./package/imports/resolve-imports.js";
export type { ImportMode, PackageImports, ResolvedImport } from "./package/imports/types.js";
export { loadPackage } from "./package/load-package.js";
export { type Manifest, manifestSchema } from "./package/manifest-schema.js";
export type { Layer, LoadedPackage, LoadedUnit } from "./package/types.js";
export { createProvider } from "./providers/create-provider.js";
export type * from "./providers/types.js";
export { formatFailureReport } from "./validate/failure-report.js";
export { extractFailures, type TestFailure, type TestReport } from "./validate/failures.js";

// A program that uses the library loads packages again and again: read again only changed layers.
import { markWarmProcess } from "./util/warm-process.js";

markWarmProcess();
