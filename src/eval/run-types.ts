/** The execution side's types: jobs, result records, summaries, events, options and the run result. */
import type { Provider, ProviderEnv, Usage } from "../providers/types.js";
import type {
  AssertionContext,
  AssertionResult,
  CallOutcome,
  CaseGrade,
  EvalCase,
  PromptPackage,
} from "./types.js";

/** Which version a job runs: the package being evaluated, or the one it is compared against. */
export type Side = "current" | "baseline";

/** One unit of work: a case, one of its repeats, one model, one version. */
export interface EvalJob {
  /** Stable across runs of the same plan: `<side>|<model>|<case id>|<repeat>`. */
  key: string;
  side: Side;
  caseIndex: number;
  /** 0-based. */
  repeat: number;
  model: string;
  /** Position of the model in its side's list: pairs a job with its counterpart when comparing. */
  modelIndex: number;
}

/** One finished job, as written to results.jsonl and printed under `results` by --json. */
export interface ResultRecord {
  key: string;
  side: Side;
  caseId: string;
  caseIndex: number;
  file: string;
  description?: string;
  vars: Record<string, unknown>;
  repeat: number;
  model: string;
  modelIndex: number;
  output: string;
  pass: boolean;
  /** Weighted assertion score, 0..1 (0 when the call failed). */
  score: number;
  assertions: AssertionResult[];
  /** Why the case could not be graded: the call failed for good, or the template did not render. */
  error?: string;
  latencyMs: number;
  usage: Usage;
  cost?: number;
  /** Answered from the response cache, or by an identical request already in flight. */
  cached: boolean;
  /** Tokens and cost of llm-rubric grader calls for this case. */
  grading?: { usage: Usage; cost?: number };
}

/** Pass rate and what it took, for one version (and per model). */
export interface Summary {
  total: number;
  passed: number;
  failed: number;
  /** Failed because the call or the render failed, not an assertion. */
  errors: number;
  /** passed / total, 0..1 (1 when there is nothing to run). */
  passRate: number;
  /** Failed assertions by type, plus `error` for failed calls. */
  failuresByAssertion: Record<string, number>;
  latencyMs: { p50: number; p95: number };
  tokens: { input: number; output: number };
  /** USD for every result, cached or not: what this version costs on this eval set. */
  cost?: number;
  cachedCalls: number;
}

export interface SideSummary extends Summary {
  byModel: Record<string, Summary>;
}

/** A pair that changed between versions. */
export interface ChangedCase {
  caseId: string;
  description?: string;
  repeat: number;
  model: string;
  /** Why it fails in the version where it fails. */
  reason: string;
}

export interface CompareReport {
  baseline: { label: string; name: string; version: string; source: "folder" | "git" };
  /** Pairs: the same case, repeat and model position in both versions. */
  pairs: number;
  newlyFailing: ChangedCase[];
  newlyPassing: ChangedCase[];
  passRate: { baseline: number; current: number; change: number };
  /** Exact McNemar test on the discordant pairs. */
  pValue: number;
  alpha: number;
  verdict: "regression" | "improvement" | "no significant change";
  cost: { baseline?: number; current?: number; change?: number };
  latencyMs: {
    p50: { baseline: number; current: number; change: number };
    p95: { baseline: number; current: number; change: number };
  };
}

/** Model calls of a run. */
export interface CallStats {
  /** Prompt and grader requests that reached a provider (retries not counted). */
  calls: number;
  /** Answered from the cache or shared with an identical request in flight. */
  cached: number;
  /** HTTP attempts, retries included. */
  attempts: number;
  retries: number;
  rateLimited: number;
  /** Tokens and USD this run spent (cache hits cost nothing). */
  spent: { tokens: { input: number; output: number }; cost?: number };
}

export type EvalEvent =
  | { type: "start"; runId: string; total: number; done: number; concurrency: number }
  | { type: "result"; record: ResultRecord; window: number }
  | {
      type: "retry";
      attempt: number;
      delayMs: number;
      reason: string;
      status?: number;
      window: number;
    };

/** The definition side, as the runner uses it (the real modules by default; tests may pass their own). */
export interface EvalDefinition {
  loadPackage(
    dir: string,
    options: { cwd: string; env: Record<string, string | undefined>; set?: Record<string, string> },
  ): Promise<PromptPackage>;
  loadCases(pkg: PromptPackage, options: { cwd: string }): Promise<EvalCase[]>;
  /** Compiles every assertion before the first call, so a broken one stops the run early. */
  prepareCases?(cases: readonly EvalCase[], packageDir: string): Promise<void>;
  gradeCase(evalCase: EvalCase, outcome: CallOutcome, context: AssertionContext): Promise<CaseGrade>;
}

export interface EvalOptions {
  /** Package folder, relative to cwd. */
  dir: string;
  cwd: string;
  env: Record<string, string | undefined>;
  /** `--set name=value`: overrides the manifest params (the template's default vars) of both versions. */
  set?: Record<string, string>;
  /** Models to run every case on (`--model`, repeatable); default the package's model. */
  models?: string[];
  /** The version to compare against: a folder, a git ref, or `name@version`. */
  compare?: string;
  /** Calls in flight at once (default 8); lowered on 429s and grown back. */
  concurrency?: number;
  /** Time limit per attempt (default 120 s). */
  timeoutMs?: number;
  /** Retries per call on 429, 5xx, network errors and timeouts (default 6). */
  maxRetries?: number;
  /** Read and write the response cache (default true). */
  cache?: boolean;
  /** Continue the last interrupted run of this package. */
  resume?: boolean;
  signal?: AbortSignal;
  reporter?: (event: EvalEvent) => void;
  definition?: EvalDefinition;
  /** Creates a model's provider (default: createProvider); always called with maxRetries 0. */
  createProvider?: (modelId: string, env: ProviderEnv) => Promise<Provider>;
  /** Injected in tests: the scheduler's sleep. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface EvalResult {
  runId: string;
  /** Folder holding run.json and results.jsonl. */
  runDir: string;
  package: { name: string; version: string; dir: string };
  models: string[];
  threshold?: number;
  /** Whether the pass rate reached the threshold (`none` without one). */
  gate: "passed" | "failed" | "none";
  /** What decides the exit code: the gate failed or the comparison found a regression. */
  status: "passed" | "failed";
  summary: SideSummary;
  baselineSummary?: SideSummary;
  compare?: CompareReport;
  calls: CallStats;
  /** Jobs taken over from the interrupted run (with --resume). */
  resumed: number;
  durationMs: number;
  /** Problems that did not stop the run (unknown case fields, ...), each `file:line:col: message`. */
  warnings: string[];
}
