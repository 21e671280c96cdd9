import type { ResponseCache } from "../cache/response-cache.js";
import type { Provider, ProviderEnv } from "../providers/types.js";
import type { BuildEvent } from "./build-events.js";
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
}

export interface BuildOptions extends PackageArgs {
  offline?: boolean;
  /** Overwrite hand edits and files specprompt did not write. */
  force?: boolean;
  concurrency?: number;
  timeoutMs?: number;
  maxRetries?: number;
  reporter?: (event: BuildEvent) => void;
  /** Injected in tests; defaults to the real drivers. */
  createProvider?: (modelId: string, env: ProviderEnv) => Promise<Provider>;
  cache?: ResponseCache;
  now?: () => Date;
  signal?: AbortSignal;
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
}

export interface BuildResult {
  status: "up-to-date" | "built" | "failed";
  buildId: string;
  package: { name: string; version: string; dir: string };
  plan: BuildPlan;
  units: UnitReport[];
  validation?: Omit<ValidationResult, "output"> & { output?: string };
  tokens: { input: number; output: number };
  cost?: number;
  filesWritten: number;
  lockWritten: boolean;
  warnings: string[];
  durationMs: number;
}
