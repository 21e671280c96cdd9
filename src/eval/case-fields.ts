import { formatIssuePath, type IssuePath } from "../package/describe-schema-issues.js";
import { isModelId } from "../package/model-id.js";
import { suggestName } from "../util/closest-name.js";
import { AssertionSpecError, compileAssertion } from "./assertions.js";
import { type PackageFiles, PackagePathError } from "./package-files.js";
import type { AssertionSpec } from "./types.js";

/** A problem in a case file, placed by its path in the file's data. */
export interface CaseIssue {
  message: string;
  path: IssuePath;
  hint?: string;
  /** Point at the key rather than its value. */
  atKey?: boolean;
}

/** What reading a case needs: the file, the package's files, and how problems are reported. */
export interface CaseReader {
  /** POSIX path of the case file relative to the package. */
  file: string;
  files: PackageFiles;
  /** Throws the issue as an error at its position in the file. */
  fail(issue: CaseIssue): never;
  /** Reports the issue once per file and message. */
  warn(issue: CaseIssue): void;
  /** How a path is named in messages (CSV names columns); default `tests[3].assert[0]`. */
  label?(path: IssuePath): string;
}

/** A case's own fields (or a file's defaultTest), checked; defaults not yet merged. */
export interface CaseFields {
  description?: string;
  vars: Record<string, unknown>;
  assert: AssertionSpec[];
  repeat?: number;
  threshold?: number;
  metadata: Record<string, unknown>;
  /** `options.provider`: the grader of this case's llm-rubric assertions that name none. */
  grader?: string;
}

const CASE_KEYS = ["description", "vars", "assert", "repeat", "threshold", "metadata", "options"];
const ASSERTION_KEYS = ["type", "value", "weight", "threshold", "provider", "metric"];
/** promptfoo keys that change what promptfoo does and that specprompt does not implement. */
const PROMPTFOO_ONLY = new Set([
  "provider",
  "providers",
  "prompts",
  "providerOutput",
  "assertScoringFunction",
  "transform",
  "config",
  "rubricPrompt",
  "contextTransform",
]);

/** Reads and checks one case object (`what` names it in messages: "a case", "defaultTest"). */
export function readCaseFields(
  raw: unknown,
  path: IssuePath,
  reader: CaseReader,
  what = "a case",
): CaseFields {
  if (!isRecord(raw)) {
    reader.fail({
      message: `${what} must be a map (description:, vars:, assert:), got ${describeValue(raw)}`,
      path,
    });
  }
  warnUnknownKeys(raw, CASE_KEYS, path, reader);
  const fields: CaseFields = {
    vars: readVars(raw.vars, [...path, "vars"], reader),
    assert: readAssertions(raw.assert, [...path, "assert"], reader),
    metadata: readMap(raw.metadata, [...path, "metadata"], reader, "metadata"),
  };
  if (raw.description !== undefined && raw.description !== null) {
    if (typeof raw.description !== "string" && typeof raw.description !== "number") {
      reader.fail({ message: "description must be text", path: [...path, "description"] });
    }
    fields.description = String(raw.description);
  }
  if (raw.repeat !== undefined) {
    if (!Number.isInteger(raw.repeat) || (raw.repeat as number) < 1) {
      reader.fail({
        message: `repeat must be a whole number ≥ 1, got ${describeValue(raw.repeat)}`,
        path: [...path, "repeat"],
      });
    }
    fields.repeat = raw.repeat as number;
  }
  if (raw.threshold !== undefined) {
    const threshold = raw.threshold;
    if (typeof threshold !== "number" || !(threshold >= 0 && threshold <= 1)) {
      reader.fail({
        message: `threshold must be a score from 0 to 1, got ${describeValue(threshold)}`,
        path: [...path, "threshold"],
      });
    }
    fields.threshold = threshold;
  }
  const grader = readOptions(raw.options, [...path, "options"], reader);
  if (grader !== undefined) fields.grader = grader;
  return fields;
}

function readVars(raw: unknown, path: IssuePath, reader: CaseReader): Record<string, unknown> {
  const vars = readMap(raw, path, reader, "vars");
  for (const [name, value] of Object.entries(vars)) {
    if (typeof value !== "string" || !value.startsWith("file://")) continue;
    try {
      vars[name] = reader.files.readText(reader.files.resolve(reader.file, value.slice("file://".length)));
    } catch (error) {
      if (!(error instanceof PackagePathError)) throw error;
      reader.fail({
        message: `vars.${name}: ${error.message}`,
        path: [...path, name],
        hint: `${error.hint}; file:// paths are relative to the case file`,
      });
    }
  }
  return vars;
}

function readMap(raw: unknown, path: IssuePath, reader: CaseReader, field: string): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw))
    reader.fail({ message: `${field} must be a map of name: value, got ${describeValue(raw)}`, path });
  return { ...raw };
}

function readAssertions(raw: unknown, path: IssuePath, reader: CaseReader): AssertionSpec[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    reader.fail({
      message: `assert must be a list of assertions, got ${describeValue(raw)}`,
      path,
      hint: "e.g. assert: [{ type: contains, value: refund }]",
    });
  }
  return raw.map((item, i) => readAssertion(item, [...path, i], reader));
}

/** One assertion, checked and compiled now so a bad one is reported at its line. */
export function readAssertion(raw: unknown, path: IssuePath, reader: CaseReader): AssertionSpec {
  const label = reader.label?.(path) ?? formatIssuePath(path);
  if (!isRecord(raw)) {
    reader.fail({
      message: `${label}: an assertion is a map with type: and value:, got ${describeValue(raw)}`,
      path,
    });
  }
  if (typeof raw.type !== "string" || raw.type === "") {
    reader.fail({ message: `${label}: missing type`, path, hint: "e.g. { type: contains, value: refund }" });
  }
  warnUnknownKeys(raw, ASSERTION_KEYS, path, reader);
  const spec: AssertionSpec = { type: raw.type };
  if (raw.value !== undefined) spec.value = raw.value;
  if (raw.weight !== undefined) spec.weight = raw.weight as number;
  if (raw.threshold !== undefined) spec.threshold = raw.threshold as number;
  if (raw.metric !== undefined) spec.metric = String(raw.metric);
  if (raw.provider !== undefined) spec.provider = readProvider(raw.provider) as string;
  try {
    compileAssertion(spec, reader.files);
  } catch (error) {
    if (!(error instanceof AssertionSpecError)) throw error;
    const at = error.field in raw ? [...path, error.field] : path;
    reader.fail({ message: `${label}: ${error.message}`, path: at, hint: error.hint });
  }
  return spec;
}

/** `options.provider` (a model id, or promptfoo's `{ id }`); other options are promptfoo's alone. */
function readOptions(raw: unknown, path: IssuePath, reader: CaseReader): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) reader.fail({ message: `options must be a map, got ${describeValue(raw)}`, path });
  for (const key of Object.keys(raw)) {
    if (key !== "provider")
      reader.warn({
        message: `options.${key} is not used by specprompt; ignored`,
        path: [...path, key],
        atKey: true,
      });
  }
  if (raw.provider === undefined) return undefined;
  const grader = readProvider(raw.provider);
  if (typeof grader !== "string" || !isModelId(grader)) {
    reader.fail({
      message: `options.provider must be a model id, got ${describeValue(raw.provider)}`,
      path: [...path, "provider"],
      hint: "e.g. provider: openai:gpt-4o-mini (it grades the llm-rubric assertions of this case)",
    });
  }
  return grader;
}

/** promptfoo writes a provider as an id or as `{ id, config }`. */
function readProvider(raw: unknown): unknown {
  return isRecord(raw) && typeof raw.id === "string" ? raw.id : raw;
}

function warnUnknownKeys(
  raw: Record<string, unknown>,
  known: string[],
  path: IssuePath,
  reader: CaseReader,
): void {
  for (const key of Object.keys(raw)) {
    if (known.includes(key)) continue;
    reader.warn({
      message: PROMPTFOO_ONLY.has(key)
        ? `'${key}' is a promptfoo setting specprompt does not use; ignored`
        : `unknown key '${key}' ignored${suggestName(key, known)}`,
      path: [...path, key],
      atKey: true,
    });
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  return `${typeof value} ${JSON.stringify(value)}`;
}
