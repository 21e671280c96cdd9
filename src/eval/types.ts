/**
 * The contract between the two halves of `kind: prompt` evaluation: the definition side
 * (template, case files, assertions) and the execution side (runner, results, reports, compare).
 * Both import from here and nowhere else across the line.
 */
import type { ModelParams, Usage } from "../providers/types.js";

/** One chat message of a rendered runtime prompt. */
export interface PromptMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** A template loaded from a package, ready to render against a case's vars. */
export interface PromptTemplate {
  /** POSIX path of the template relative to the package folder. */
  path: string;
  /** sha256 of the template source and every partial it includes, for cache keys and versions. */
  hash: string;
  /** Variable names the template refers to (partials included), sorted. */
  variables: string[];
  /** Renders the messages; a variable the template uses and `vars` lacks is a SpecPromptError. */
  render(vars: Record<string, unknown>): PromptMessage[];
}

/** One assertion as written in a case file (promptfoo's shape). */
export interface AssertionSpec {
  /** `equals`, `contains`, `not-contains`, `llm-rubric`, ... */
  type: string;
  value?: unknown;
  /** Weight in the case score (default 1); 0 means informative only. */
  weight?: number;
  /** Per-assertion threshold for scored types (llm-rubric, latency, cost). */
  threshold?: number;
  /** Grader model id for llm-rubric (`openai:gpt-4o-mini`); falls back to the case or package grader. */
  provider?: string;
  metric?: string;
}

/** One case after loading, with the file's defaults merged in. */
export interface EvalCase {
  /** Stable id: `<file>#<index>` (index of the case within its file, from 0). */
  id: string;
  /** POSIX path of the case file relative to the package folder. */
  file: string;
  description?: string;
  vars: Record<string, unknown>;
  assert: AssertionSpec[];
  /** How many times the case runs (default 1); each repeat is its own call and cache key. */
  repeat: number;
  /** Minimum weighted score (0..1) for the case to pass; default: every weighted assertion passes. */
  threshold?: number;
  metadata: Record<string, unknown>;
}

/** What a model call produced, as the assertions see it. */
export interface CallOutcome {
  output: string;
  latencyMs: number;
  usage: Usage;
  /** USD, when the model's price is known. */
  cost?: number;
  /** True when the response came from the cache (latency is then the recorded one). */
  cached: boolean;
}

/** A grader call for llm-rubric: the execution side supplies it (with its cache and retries). */
export type GradeWithModel = (request: {
  model: string;
  messages: PromptMessage[];
  params: ModelParams;
}) => Promise<{ text: string; usage: Usage; cost?: number }>;

export interface AssertionContext {
  vars: Record<string, unknown>;
  /** Absolute package folder: `file://` values and javascript modules resolve from here. */
  packageDir: string;
  /** Default grader model for llm-rubric when the assertion names none. */
  graderModel?: string;
  grade: GradeWithModel;
}

export interface AssertionResult {
  type: string;
  pass: boolean;
  /** 0..1 */
  score: number;
  weight: number;
  /** One line a person can read: why it passed or failed. */
  reason: string;
  /** For llm-rubric: what the grader saw and said (and what the call spent), recorded in the results. */
  grader?: { model: string; rubric: string; reply: string; usage?: Usage; cost?: number };
}

export interface CaseGrade {
  pass: boolean;
  /** Weighted mean score, 0..1. */
  score: number;
  results: AssertionResult[];
}

/** A `kind: prompt` package read from disk and checked: what `eval` and `prompt --vars` need. */
export interface PromptPackage {
  /** Absolute folder holding specprompt.yaml. */
  dir: string;
  name: string;
  version: string;
  template: PromptTemplate;
  /** Effective model id (manifest, then SPECPROMPT_MODEL, then --model). */
  model: string;
  modelParams: ModelParams;
  /** Default grader for llm-rubric (manifest `grader`, else the package model). */
  graderModel: string;
  /** Case files matched by `evals`, POSIX paths relative to `dir`, sorted. */
  caseFiles: string[];
  /** Pass rate (0..1) a version must reach; undefined means no gate. */
  threshold?: number;
  /** Manifest params, as default vars (a case's vars override them). */
  params: Record<string, string>;
  /** Manifest `pricing` (USD per million tokens by model id), for costOf. */
  pricing?: Record<string, { input: number; output: number }>;
  /** Problems worth telling the user that do not stop a run, each `file:line:col: message`. */
  warnings?: string[];
}
