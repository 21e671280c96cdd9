/**
 * One job: render the version's template with the case's vars, ask the model (through the
 * caller: cache, sharing, scheduler), grade the output with the case's assertions, and return
 * the record. A call that fails for good fails the case with the error recorded; a
 * configuration problem (no key, nothing listening) stops the whole run.
 */
import { SpecPromptError } from "../errors.js";
import { costOf, type PriceTable, priceOf } from "../providers/pricing.js";
import type { Usage } from "../providers/types.js";
import type { ModelCaller } from "./model-caller.js";
import type { EvalDefinition, EvalJob, ResultRecord } from "./run-types.js";
import { CallFailedError } from "./scheduler.js";
import type { CallOutcome, EvalCase, GradeWithModel, PromptPackage } from "./types.js";

export interface JobContext {
  /** By case index; a case is released (undefined) once all its jobs are done. */
  cases: readonly (EvalCase | undefined)[];
  /** The package evaluated: its cases, assertions and grader apply to both versions. */
  current: PromptPackage;
  baseline?: PromptPackage;
  caller: ModelCaller;
  gradeCase: EvalDefinition["gradeCase"];
  /** Tokens and USD that did not come from the cache, added up across jobs. */
  spent: { tokens: { input: number; output: number }; cost?: number };
}

export async function runJob(job: EvalJob, ctx: JobContext): Promise<ResultRecord> {
  const pkg = job.side === "baseline" ? ctx.baseline! : ctx.current;
  const evalCase = ctx.cases[job.caseIndex]!;
  const vars = { ...pkg.params, ...evalCase.vars };
  const record: ResultRecord = {
    key: job.key,
    side: job.side,
    caseId: evalCase.id,
    caseIndex: job.caseIndex,
    file: evalCase.file,
    description: evalCase.description,
    vars: evalCase.vars,
    repeat: job.repeat,
    model: job.model,
    modelIndex: job.modelIndex,
    output: "",
    pass: false,
    score: 0,
    assertions: [],
    latencyMs: 0,
    usage: { inputTokens: 0, outputTokens: 0 },
    cached: false,
  };

  let messages: ReturnType<PromptPackage["template"]["render"]>;
  try {
    messages = pkg.template.render(vars);
  } catch (error) {
    if (error instanceof SpecPromptError) return failWith(record, error.message);
    throw error;
  }
  let reply: Awaited<ReturnType<ModelCaller["complete"]>>;
  try {
    reply = await ctx.caller.complete({
      model: job.model,
      messages,
      params: pkg.modelParams,
      repeat: job.repeat,
    });
  } catch (error) {
    return failWith(record, describeCallError(error));
  }
  const cost = costFor(job.model, reply.usage, pkg.pricing);
  if (!reply.cached) spend(ctx, reply.usage, cost);
  record.output = reply.text;
  record.latencyMs = reply.latencyMs;
  record.usage = reply.usage;
  record.cost = cost;
  record.cached = reply.cached;
  const outcome: CallOutcome = {
    output: reply.text,
    latencyMs: reply.latencyMs,
    usage: reply.usage,
    cost,
    cached: reply.cached,
  };

  let grading: ResultRecord["grading"];
  const grade: GradeWithModel = async (request) => {
    const answer = await ctx.caller.complete({ ...request, purpose: "grade" });
    const price = costFor(request.model, answer.usage, ctx.current.pricing);
    grading ??= { usage: { inputTokens: 0, outputTokens: 0 } };
    grading.usage.inputTokens += answer.usage.inputTokens;
    grading.usage.outputTokens += answer.usage.outputTokens;
    if (price !== undefined) grading.cost = round((grading.cost ?? 0) + price);
    if (!answer.cached) spend(ctx, answer.usage, price);
    return { text: answer.text, usage: answer.usage, cost: price };
  };
  try {
    const result = await ctx.gradeCase(evalCase, outcome, {
      vars,
      packageDir: ctx.current.dir,
      graderModel: ctx.current.graderModel,
      grade,
    });
    record.pass = result.pass;
    record.score = result.score;
    record.assertions = result.results;
  } catch (error) {
    failWith(record, `grading failed: ${describeCallError(error)}`);
  }
  record.grading = grading;
  return record;
}

const NO_OVERRIDES: PriceTable = {};
const prices = new WeakMap<PriceTable, Map<string, PriceTable | undefined>>();

/** costOf, with each model's price looked up once per price table rather than once per call. */
function costFor(model: string, usage: Usage, pricing: PriceTable = NO_OVERRIDES): number | undefined {
  let known = prices.get(pricing);
  if (!known) {
    known = new Map();
    prices.set(pricing, known);
  }
  if (!known.has(model)) {
    const price = priceOf(model, pricing);
    known.set(model, price && { [model]: price });
  }
  const table = known.get(model);
  return table && costOf(model, usage, table);
}

function failWith(record: ResultRecord, error: string): ResultRecord {
  record.pass = false;
  record.score = 0;
  record.error = error;
  return record;
}

/**
 * The configuration error behind a failure, when there is one: such a run cannot succeed for any
 * case, so it stops instead of failing thousands of cases one by one.
 */
export function configErrorOf(error: unknown): SpecPromptError | undefined {
  const candidate = error instanceof CallFailedError ? error.cause : error;
  return candidate instanceof SpecPromptError && candidate.code === "E_PROVIDER_CONFIG"
    ? candidate
    : undefined;
}

/** The message a failed case records; anything that is not a model failure is rethrown (a bug). */
function describeCallError(error: unknown): string {
  const config = configErrorOf(error);
  if (config) throw config;
  if (error instanceof CallFailedError || error instanceof SpecPromptError) return error.message;
  throw error;
}

function spend(ctx: JobContext, usage: Usage, cost: number | undefined): void {
  ctx.spent.tokens.input += usage.inputTokens;
  ctx.spent.tokens.output += usage.outputTokens;
  if (cost !== undefined) ctx.spent.cost = round((ctx.spent.cost ?? 0) + cost);
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
