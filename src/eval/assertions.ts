import { SpecPromptError } from "../errors.js";
import { isModelId } from "../package/model-id.js";
import { suggestName } from "../util/closest-name.js";
import { AssertionSpecError, CHECKS, type Finding } from "./assertion-checks.js";
import { createPackageFiles, type PackageFiles, PackagePathError } from "./package-files.js";
import type {
  AssertionContext,
  AssertionResult,
  AssertionSpec,
  CallOutcome,
  CaseGrade,
  EvalCase,
} from "./types.js";

export { AssertionSpecError } from "./assertion-checks.js";

/** Every assertion type a case file may name, `not-` forms included. */
export const ASSERTION_TYPES: readonly string[] = Object.keys(CHECKS).flatMap((type) => [
  type,
  `not-${type}`,
]);

/** An assertion checked and compiled once (regexes built, javascript compiled, schemas converted). */
export interface CompiledAssertion {
  readonly spec: AssertionSpec;
  readonly weight: number;
  /** Imports javascript modules now, so a broken one fails before any model call. */
  prepare(): Promise<void>;
  grade(outcome: CallOutcome, ctx: AssertionContext): Promise<AssertionResult>;
}

// Keyed by the spec object: a file's defaultTest assertions are shared by its cases and compile once.
const compiledSpecs = new WeakMap<AssertionSpec, CompiledAssertion>();

/**
 * Checks and compiles one assertion; remembered for the spec object, so grading it again costs
 * nothing. Throws AssertionSpecError naming the field at fault (an unknown type suggests the
 * closest one). `files` reads `file://` schemas and modules, relative to the package.
 */
export function compileAssertion(spec: AssertionSpec, files: PackageFiles): CompiledAssertion {
  const known = compiledSpecs.get(spec);
  if (known) return known;
  const type = typeof spec.type === "string" ? spec.type : String(spec.type);
  const inverse = type.startsWith("not-");
  const base = inverse ? type.slice(4) : type;
  const compileCheck = Object.hasOwn(CHECKS, base) ? CHECKS[base] : undefined;
  if (!compileCheck) {
    throw new AssertionSpecError(
      "type",
      `unknown assertion type '${type}'${suggestName(type, ASSERTION_TYPES)}`,
      `types: ${Object.keys(CHECKS).join(", ")}; each also as not-<type>`,
    );
  }
  if (spec.weight !== undefined && !(typeof spec.weight === "number" && spec.weight >= 0)) {
    throw new AssertionSpecError("weight", `weight must be a number ≥ 0, got ${JSON.stringify(spec.weight)}`);
  }
  if (
    spec.threshold !== undefined &&
    !(typeof spec.threshold === "number" && Number.isFinite(spec.threshold))
  ) {
    throw new AssertionSpecError(
      "threshold",
      `threshold must be a number, got ${JSON.stringify(spec.threshold)}`,
    );
  }
  if (spec.provider !== undefined && !(typeof spec.provider === "string" && isModelId(spec.provider))) {
    throw new AssertionSpecError(
      "provider",
      `provider must be a model id, got ${JSON.stringify(spec.provider)}`,
      "e.g. provider: openai:gpt-4o-mini",
    );
  }
  let check: ReturnType<typeof compileCheck>;
  try {
    check = compileCheck(spec, files);
  } catch (error) {
    if (!(error instanceof PackagePathError)) throw error;
    throw new AssertionSpecError("value", error.message, error.hint);
  }
  const weight = spec.weight ?? 1;
  const compiled: CompiledAssertion = {
    spec,
    weight,
    prepare: async () => {
      await check.prepare?.();
    },
    grade: async (outcome, ctx) => toResult(type, inverse, weight, await check(outcome, ctx)),
  };
  compiledSpecs.set(spec, compiled);
  return compiled;
}

/** `not-` inverts what a check found, unless the check could not decide. */
function toResult(type: string, inverse: boolean, weight: number, finding: Finding): AssertionResult {
  const flip = inverse && !finding.undecided;
  const result: AssertionResult = {
    type,
    pass: flip ? !finding.pass : finding.pass,
    score: flip ? 1 - finding.score : finding.score,
    weight,
    reason: finding.reason,
  };
  if (finding.grader) result.grader = finding.grader;
  return result;
}

/**
 * The case score is the weighted mean of the assertion scores (weight 0 only informs). With a
 * threshold the case passes when the score reaches it; without, when every weighted assertion passes.
 */
export function scoreCase(
  results: readonly AssertionResult[],
  threshold?: number,
): { pass: boolean; score: number } {
  let total = 0;
  let sum = 0;
  let allPass = true;
  for (const result of results) {
    if (result.weight <= 0) continue;
    total += result.weight;
    sum += result.weight * result.score;
    allPass &&= result.pass;
  }
  const score = total === 0 ? 1 : sum / total;
  // 0.1 + 0.7 is 0.7999999999999999: a case at its threshold must pass.
  return { pass: threshold === undefined ? allPass : score >= threshold - 1e-9, score };
}

/**
 * Grades one call's outcome against a case's assertions. Assertions compiled when the case file
 * was loaded are reused; others compile now. A grader call that throws (llm-rubric) rejects,
 * so the runner can tell "could not grade" from "graded and failed".
 */
export async function gradeCase(
  evalCase: EvalCase,
  outcome: CallOutcome,
  ctx: AssertionContext,
): Promise<CaseGrade> {
  let files: PackageFiles | undefined;
  const compiled = evalCase.assert.map((spec, i) => {
    const known = compiledSpecs.get(spec);
    if (known) return known;
    files ??= createPackageFiles(ctx.packageDir);
    return compileForCase(evalCase, i, files);
  });
  const results = await Promise.all(compiled.map((assertion) => assertion.grade(outcome, ctx)));
  return { ...scoreCase(results, evalCase.threshold), results };
}

/**
 * Compiles every case's assertions and imports their javascript modules, so a broken assertion
 * stops a run before its first model call. Throws E_CASES naming the case.
 */
export async function prepareCases(cases: Iterable<EvalCase>, packageDir: string): Promise<void> {
  const files = createPackageFiles(packageDir);
  const unique = new Set<CompiledAssertion>();
  for (const evalCase of cases) {
    evalCase.assert.forEach((_spec, i) => {
      unique.add(compileForCase(evalCase, i, files));
    });
  }
  await Promise.all([...unique].map((assertion) => assertion.prepare()));
}

function compileForCase(evalCase: EvalCase, index: number, files: PackageFiles): CompiledAssertion {
  try {
    return compileAssertion(evalCase.assert[index]!, files);
  } catch (error) {
    if (!(error instanceof AssertionSpecError)) throw error;
    throw new SpecPromptError(
      "E_CASES",
      `${evalCase.id}: assert[${index}].${error.field}: ${error.message}`,
      {
        location: { file: evalCase.file },
        hint: error.hint,
      },
    );
  }
}
