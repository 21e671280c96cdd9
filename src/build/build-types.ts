import type { ResponseCache } from "../cache/response-cache.js";
import type { Provider, ProviderEnv } from "../providers/types.js";
import type { TestCounts, TestFailure } from "../validate/test-report.js";
import type { BuildEvent } from "./build-events.js";
import type { ModelComparison } from "./compare-with-lock.js";
import type { CriteriaReport } from "./criteria-coverage.js";
import type { BuildPlan, UnitAction } from "./plan-build.js";
import type { ValidationResult } from "./run-validation.js";

/** Which package, and the overrides every command that loads one takes. */
export interface PackageArgs {
  /** Package folder or manifest path, resolved against cwd. */
  dir: string;
  cwd: string;
  env: Record<string, string | undefined>;
  /** --set: params that override the manifest's. */
  set?: Record<string, string>;
  /** --model: overrides every unit's model. */
  model?: string;
  /** The target to work on, for a package with `targets`. */
  target?: string;
}

export interface BuildOptions extends PackageArgs {
  offline?: boolean;
  /** Overwrite hand edits and files specprompt did not write. */
  force?: boolean;
  /** `--stamp`: write a one-line header naming package and unit into each generated file. */
  stamp?: boolean;
  concurrency?: number;
  /** --max-iterations: generation rounds before a failing build gives up (default: the manifest's, else 3). */
  maxIterations?: number;
  timeoutMs?: number;
  maxRetries?: number;
  reporter?: (event: BuildEvent) => void;
  /** Injected in tests; defaults to the real drivers. */
  createProvider?: (modelId: string, env: ProviderEnv) => Promise<Provider>;
  cache?: ResponseCache;
  now?: () => Date;
  signal?: AbortSignal;
  /** The freshness index was just asked about this build and said no: do not ask again. */
  freshChecked?: boolean;
  /**
   * Bookkeeping the result does not depend on (recording the freshness index) is handed here to
   * run after the caller has reported the build, instead of before runBuild returns.
   */
  defer?: (task: () => Promise<void>) => void;
}

export interface UnitReport {
  unit: string;
  action: UnitAction;
  reasons: string[];
  model: string;
  files: string[];
  tokens: { input: number; output: number };
  cost?: number;
  requests: number;
  cachedRequests: number;
  refused: string[];
  /** Generation rounds the unit took in this build: 1, plus one per refinement it was sent. */
  iterations: number;
}

export interface BuildResult {
  status: "up-to-date" | "built" | "failed";
  buildId: string;
  /** `target` for one target of a package with `targets`. */
  package: { name: string; version: string; dir: string; target?: string };
  plan: BuildPlan;
  units: UnitReport[];
  /** The last validation run; `failures` and `report` when it failed. */
  validation?: Omit<ValidationResult, "output"> & {
    output?: string;
    tests?: TestCounts;
    failures?: TestFailure[];
    report?: string;
  };
  /** Validation runs this build made (each after a round of generation). */
  iterations?: number;
  /** Why a failed build failed; `failedDir` keeps the last attempt (relative to the package). */
  failure?: { reason: "validation" | "coverage"; message: string; failedDir?: string };
  /** Acceptance criteria with ids and the tests that name them. */
  criteria?: CriteriaReport;
  /** With --model: this build against the lock it replaces. */
  comparison?: ModelComparison;
  tokens: { input: number; output: number };
  cost?: number;
  filesWritten: number;
  lockWritten: boolean;
  warnings: string[];
  durationMs: number;
}
