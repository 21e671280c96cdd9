/**
 * The one error module. Every expected failure is a SpecPromptError with a stable `code`,
 * a message that says what to do, and the exit code the CLI maps it to.
 * Anything else reaching the entry point is a bug and is printed with its stack.
 */

export type ErrorCode =
  | "E_USAGE"
  | "E_MANIFEST"
  | "E_PARAM"
  | "E_LAYER"
  | "E_UNITS"
  | "E_LOCK"
  | "E_PROVIDER_CONFIG"
  | "E_PROVIDER"
  | "E_CACHE_MISS"
  | "E_UNSAFE_PATH"
  | "E_MODEL_OUTPUT"
  | "E_VALIDATION"
  | "E_DRIFT"
  | "E_BUSY"
  | "E_INIT"
  | "E_TEMPLATE"
  | "E_CASES"
  | "E_IMPORT";

/** Exit code 2: the user's input (flags, manifest, layers, environment) is wrong. */
export const EXIT_BAD_INPUT = 2;
/** Exit code 1: a gate failed (tests, drift, eval threshold, a model that did not deliver). */
export const EXIT_GATE = 1;

export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

export class SpecPromptError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly location?: SourceLocation;
  readonly hint?: string;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; location?: SourceLocation; hint?: string; exitCode?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SpecPromptError";
    this.code = code;
    this.location = options.location;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? EXIT_BAD_INPUT;
  }
}

/** Bad flags or arguments. */
export class UsageError extends SpecPromptError {
  constructor(message: string, hint?: string) {
    super("E_USAGE", message, { hint });
    this.name = "UsageError";
  }
}

/** A gate that failed: the run worked, the result does not pass. */
export class GateError extends SpecPromptError {
  constructor(code: ErrorCode, message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(code, message, { ...options, exitCode: EXIT_GATE });
    this.name = "GateError";
  }
}

/** `file:line:col: message` when there is a location, else the message. */
export function formatLocation(location: SourceLocation | undefined): string {
  if (!location) return "";
  let text = location.file;
  if (location.line !== undefined) text += `:${location.line}`;
  if (location.line !== undefined && location.column !== undefined) text += `:${location.column}`;
  return text;
}

/** The one-line (plus hint) rendering the CLI prints for an expected error. */
export function formatError(error: SpecPromptError): string {
  const where = formatLocation(error.location);
  const head = where ? `${where}: ${error.message}` : error.message;
  return error.hint ? `${head}\n  hint: ${error.hint}` : head;
}

export function isSpecPromptError(value: unknown): value is SpecPromptError {
  return value instanceof SpecPromptError;
}
