import { parse as parseYaml } from "yaml";
import { placeholderPattern } from "../package/render-params.js";
import { compileJavascript } from "./javascript-assertion.js";
import { compileJsonSchema, deepEqualJson, extractJsonValues, parseJson } from "./json-output.js";
import { buildGradingMessages, parseGraderReply, quote } from "./llm-rubric.js";
import type { PackageFiles } from "./package-files.js";
import { readVar } from "./template.js";
import type { AssertionContext, AssertionResult, AssertionSpec, CallOutcome } from "./types.js";

/** What a check found, before `not-` and weights. */
export interface Finding {
  pass: boolean;
  score: number;
  /** The fact, worded so it reads right whether the assertion is inverted or not. */
  reason: string;
  grader?: AssertionResult["grader"];
  /** The check could not decide (bad grader reply, unknown cost, a throwing function): fails even under `not-`. */
  undecided?: boolean;
}

export type Check = ((outcome: CallOutcome, ctx: AssertionContext) => Finding | Promise<Finding>) & {
  /** Loads what is loaded lazily (javascript modules), so a broken module fails before any model call. */
  prepare?: () => Promise<void>;
};

/** An assertion in a case file that cannot be used; `field` is the key at fault, for file:line. */
export class AssertionSpecError extends Error {
  readonly field: "type" | "value" | "threshold" | "weight" | "provider";
  readonly hint?: string;

  constructor(field: AssertionSpecError["field"], message: string, hint?: string) {
    super(message);
    this.name = "AssertionSpecError";
    this.field = field;
    this.hint = hint;
  }
}

type CompileCheck = (spec: AssertionSpec, files: PackageFiles) => Check;

/** Every base type (each also takes `not-`) and how it compiles. */
export const CHECKS: Record<string, CompileCheck> = {
  equals: compileEquals,
  contains: (spec) => compileContains(spec, false),
  icontains: (spec) => compileContains(spec, true),
  "contains-any": (spec) => compileContainsList(spec, false, "any"),
  "contains-all": (spec) => compileContainsList(spec, false, "all"),
  "icontains-any": (spec) => compileContainsList(spec, true, "any"),
  "icontains-all": (spec) => compileContainsList(spec, true, "all"),
  "starts-with": compileStartsWith,
  regex: compileRegex,
  "is-json": (spec, files) => compileIsJson(spec, files, false),
  "json-schema": (spec, files) => compileIsJson(spec, files, true),
  "contains-json": compileContainsJson,
  javascript: compileJavascriptCheck,
  "llm-rubric": compileLlmRubric,
  latency: (spec) => compileBound(spec, "latency"),
  cost: (spec) => compileBound(spec, "cost"),
};

const found = (pass: boolean, reason: string): Finding => ({ pass, score: pass ? 1 : 0, reason });
const undecided = (reason: string): Finding => ({ pass: false, score: 0, reason, undecided: true });

/** A value that refers to the case's vars as `{{name}}` is filled per case, like promptfoo does. */
type TextValue = (vars: Record<string, unknown>) => string;

class MissingValueVariable extends Error {}

function compileText(value: unknown, type: string): TextValue {
  if (typeof value === "number" || typeof value === "boolean") {
    const text = String(value);
    return () => text;
  }
  if (typeof value !== "string" || value === "") {
    throw new AssertionSpecError("value", `${type} needs a value: the text to look for`);
  }
  if (!value.includes("{{")) return () => value;
  return (vars) =>
    value.replace(placeholderPattern, (_match, name: string | undefined) => {
      if (name === undefined) return "{{";
      const value = readVar(vars, name);
      if (value === undefined || value === null) throw new MissingValueVariable(name);
      return typeof value === "string" ? value : JSON.stringify(value);
    });
}

/** Runs `check`, turning a `{{var}}` the vars lack into an undecided finding. */
function withVars(check: (output: string, vars: Record<string, unknown>) => Finding): Check {
  return (outcome, ctx) => {
    try {
      return check(outcome.output, ctx.vars);
    } catch (error) {
      if (!(error instanceof MissingValueVariable)) throw error;
      return undecided(`the assertion's value refers to {{${error.message}}}, which the case's vars lack`);
    }
  };
}

function compileEquals(spec: AssertionSpec): Check {
  if (spec.value !== null && typeof spec.value === "object") {
    const expected = spec.value;
    const shown = quote(JSON.stringify(expected));
    return ({ output }) => {
      const parsed = parseJson(output);
      if (!parsed) return found(false, `output is not JSON, so it cannot equal ${shown}`);
      return deepEqualJson(parsed.value, expected)
        ? found(true, `output equals ${shown}`)
        : found(false, `output ${quote(output)} is not ${shown}`);
    };
  }
  const expected = compileText(spec.value, "equals");
  return withVars((output, vars) => {
    const text = expected(vars);
    return output === text
      ? found(true, `output equals ${quote(text)}`)
      : found(false, `output ${quote(output)} is not ${quote(text)}`);
  });
}

function compileContains(spec: AssertionSpec, ignoreCase: boolean): Check {
  const type = ignoreCase ? "icontains" : "contains";
  if (Array.isArray(spec.value)) {
    throw new AssertionSpecError(
      "value",
      `${type} takes one text, not a list`,
      `use ${type}-all or ${type}-any for a list`,
    );
  }
  const needle = compileText(spec.value, type);
  return withVars((output, vars) => {
    const text = needle(vars);
    const pass = ignoreCase ? output.toLowerCase().includes(text.toLowerCase()) : output.includes(text);
    return found(pass, `output ${pass ? "contains" : "does not contain"} ${quote(text)}`);
  });
}

function compileContainsList(spec: AssertionSpec, ignoreCase: boolean, mode: "any" | "all"): Check {
  const type = `${ignoreCase ? "i" : ""}contains-${mode}`;
  const raw = typeof spec.value === "string" ? spec.value.split(",").map((item) => item.trim()) : spec.value;
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new AssertionSpecError(
      "value",
      `${type} needs a list of texts`,
      "e.g. value: [refund, return] or value: 'refund, return'",
    );
  }
  const needles = raw.map((item) => compileText(item, type));
  return withVars((output, vars) => {
    const haystack = ignoreCase ? output.toLowerCase() : output;
    const texts = needles.map((needle) => needle(vars));
    const present = texts.filter((text) => haystack.includes(ignoreCase ? text.toLowerCase() : text));
    const list = (items: string[]) => items.map((text) => quote(text, 40)).join(", ");
    if (mode === "any") {
      return present.length > 0
        ? found(true, `output contains ${quote(present[0]!)}`)
        : found(false, `output contains none of ${list(texts)}`);
    }
    const missing = texts.filter((text) => !present.includes(text));
    return missing.length === 0
      ? found(true, `output contains all of ${list(texts)}`)
      : found(false, `output lacks ${list(missing)}`);
  });
}

function compileStartsWith(spec: AssertionSpec): Check {
  const prefix = compileText(spec.value, "starts-with");
  return withVars((output, vars) => {
    const text = prefix(vars);
    return output.startsWith(text)
      ? found(true, `output starts with ${quote(text)}`)
      : found(false, `output starts with ${quote(output.slice(0, text.length + 10))}, not ${quote(text)}`);
  });
}

function compileRegex(spec: AssertionSpec): Check {
  if (typeof spec.value !== "string" || spec.value === "") {
    throw new AssertionSpecError("value", "regex needs a value: a JavaScript regular expression");
  }
  let pattern: RegExp;
  try {
    pattern = new RegExp(spec.value);
  } catch (error) {
    throw new AssertionSpecError(
      "value",
      `regex does not compile: ${(error as Error).message}`,
      "JavaScript syntax; for case-insensitive text use icontains, or a class like [Rr]efund",
    );
  }
  const shown = `/${spec.value}/`;
  return ({ output }) =>
    pattern.test(output)
      ? found(true, `output matches ${shown}`)
      : found(false, `output does not match ${shown}`);
}

/** A schema given inline, as YAML/JSON text, or as `file://schema.json` (relative to the package). */
function readSchema(value: unknown, files: PackageFiles): unknown {
  if (typeof value !== "string") return value;
  try {
    return parseYaml(value.startsWith("file://") ? files.readText(files.resolve("", value.slice(7))) : value);
  } catch (error) {
    throw new AssertionSpecError("value", `cannot read the JSON Schema: ${(error as Error).message}`);
  }
}

function compileSchema(value: unknown, files: PackageFiles): ReturnType<typeof compileJsonSchema> {
  try {
    return compileJsonSchema(readSchema(value, files));
  } catch (error) {
    if (error instanceof AssertionSpecError) throw error;
    throw new AssertionSpecError(
      "value",
      `unusable JSON Schema: ${(error as Error).message}`,
      "not, if/then/else and dependentRequired/dependentSchemas are not supported",
    );
  }
}

function compileIsJson(spec: AssertionSpec, files: PackageFiles, schemaRequired: boolean): Check {
  const hasSchema = spec.value !== undefined && spec.value !== null && spec.value !== "";
  if (schemaRequired && !hasSchema) {
    throw new AssertionSpecError("value", "json-schema needs a value: the JSON Schema the output must match");
  }
  const validate = hasSchema ? compileSchema(spec.value, files) : undefined;
  return ({ output }) => {
    const parsed = parseJson(output);
    if (!parsed) return found(false, `output is not JSON: ${quote(output, 60)}`);
    if (!validate) return found(true, "output is JSON");
    const problem = validate(parsed.value);
    return problem === undefined
      ? found(true, "output is JSON matching the schema")
      : found(false, `output does not match the schema at ${problem}`);
  };
}

function compileContainsJson(spec: AssertionSpec, files: PackageFiles): Check {
  const hasSchema = spec.value !== undefined && spec.value !== null && spec.value !== "";
  const validate = hasSchema ? compileSchema(spec.value, files) : undefined;
  return ({ output }) => {
    const values = extractJsonValues(output).filter((value) => typeof value === "object" && value !== null);
    if (values.length === 0) return found(false, "output contains no JSON object or array");
    if (!validate) return found(true, "output contains JSON");
    const problems = values.map((value) => validate(value));
    return problems.includes(undefined)
      ? found(true, "output contains JSON matching the schema")
      : found(false, `no JSON in the output matches the schema: ${problems[0]}`);
  };
}

function compileJavascriptCheck(spec: AssertionSpec, files: PackageFiles): Check {
  if (typeof spec.value !== "string" || spec.value.trim() === "") {
    throw new AssertionSpecError(
      "value",
      "javascript needs a value: an expression or file://module.js[:function]",
    );
  }
  let compiled: ReturnType<typeof compileJavascript>;
  try {
    compiled = compileJavascript(spec.value, files);
  } catch (error) {
    throw new AssertionSpecError(
      "value",
      (error as Error).message,
      "the expression sees `output` and `context`",
    );
  }
  const threshold = spec.threshold;
  const check: Check = async (outcome, ctx) => {
    const fn = await compiled.load();
    let result: unknown;
    try {
      const context = {
        vars: ctx.vars,
        latencyMs: outcome.latencyMs,
        cost: outcome.cost,
        usage: outcome.usage,
      };
      result = await fn(outcome.output, context);
    } catch (error) {
      return undecided(`javascript threw: ${(error as Error)?.message ?? String(error)}`);
    }
    return readJavascriptResult(result, threshold);
  };
  return Object.assign(check, { prepare: () => compiled.load().then(() => {}) });
}

function readJavascriptResult(result: unknown, threshold: number | undefined): Finding {
  if (typeof result === "boolean") return found(result, `javascript returned ${result}`);
  if (typeof result === "number" && Number.isFinite(result)) {
    const score = Math.min(1, Math.max(0, result));
    const pass = threshold === undefined ? result > 0 : result >= threshold;
    return {
      pass,
      score,
      reason: `javascript returned ${result}${threshold === undefined ? "" : ` (threshold ${threshold})`}`,
    };
  }
  if (
    result !== null &&
    typeof result === "object" &&
    typeof (result as { pass?: unknown }).pass === "boolean"
  ) {
    const { pass, score, reason } = result as { pass: boolean; score?: unknown; reason?: unknown };
    const value =
      typeof score === "number" && Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : pass ? 1 : 0;
    return {
      pass,
      score: value,
      reason: typeof reason === "string" && reason !== "" ? reason : `javascript returned pass: ${pass}`,
    };
  }
  return undecided(
    `javascript returned ${quote(String(JSON.stringify(result) ?? result), 40)}; return true/false, a score from 0 to 1, or { pass, score, reason }`,
  );
}

function compileLlmRubric(spec: AssertionSpec): Check {
  const rubric = compileText(spec.value, "llm-rubric");
  const threshold = spec.threshold;
  return async (outcome, ctx) => {
    let text: string;
    try {
      text = rubric(ctx.vars);
    } catch (error) {
      if (!(error instanceof MissingValueVariable)) throw error;
      return undecided(`the rubric refers to {{${error.message}}}, which the case's vars lack`);
    }
    const model = spec.provider ?? ctx.graderModel;
    if (model === undefined)
      return undecided("no grader model: set grader: in specprompt.yaml or provider: on the assertion");
    const reply = await ctx.grade({
      model,
      messages: buildGradingMessages(text, outcome.output),
      params: { temperature: 0 },
    });
    const grader = { model, rubric: text, reply: reply.text, usage: reply.usage, cost: reply.cost };
    const verdict = parseGraderReply(reply.text);
    if ("problem" in verdict) return { ...undecided(verdict.problem), grader };
    const pass = verdict.pass && (threshold === undefined || verdict.score >= threshold);
    const reason =
      verdict.reason === "" ? `the grader says ${verdict.pass ? "pass" : "fail"}` : verdict.reason;
    return { pass, score: verdict.score, reason: `${reason} (score ${verdict.score})`, grader };
  };
}

function compileBound(spec: AssertionSpec, type: "latency" | "cost"): Check {
  const bound = spec.threshold;
  if (typeof bound !== "number" || !(bound >= 0)) {
    const unit = type === "latency" ? "milliseconds" : "US dollars";
    throw new AssertionSpecError(
      "threshold",
      `${type} needs threshold: the most ${unit} a call may take`,
      `e.g. threshold: ${type === "latency" ? 2000 : 0.01}`,
    );
  }
  if (type === "latency") {
    return ({ latencyMs }) =>
      found(
        latencyMs <= bound,
        `latency ${Math.round(latencyMs)} ms ${latencyMs <= bound ? "≤" : ">"} ${bound} ms`,
      );
  }
  return ({ cost }) => {
    if (cost === undefined)
      return undecided(
        "the call's cost is unknown: no price for the model (add pricing: to specprompt.yaml)",
      );
    return found(cost <= bound, `cost $${cost} ${cost <= bound ? "≤" : ">"} $${bound}`);
  };
}
