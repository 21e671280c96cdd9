import type { ValidationSpec } from "./manifest-schema.js";
import type { ValidationSettings } from "./types.js";

const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;
const DEFAULT_MAX_ITERATIONS = 3;
const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Validation settings with defaults filled in: 10 minute timeout, 3 iterations, no env passed through. */
export function resolveValidation(spec: ValidationSpec | undefined): ValidationSettings {
  return {
    command: spec?.command,
    timeoutMs: spec?.timeout === undefined ? DEFAULT_TIMEOUT_MS : parseDurationMs(spec.timeout),
    maxIterations: spec?.maxIterations ?? DEFAULT_MAX_ITERATIONS,
    env: spec?.env ?? [],
  };
}

/** `600` (seconds), `"90s"`, `"10m"`, `"1h"`, `"500ms"` → milliseconds. */
export function parseDurationMs(value: number | string): number {
  if (typeof value === "number") return Math.round(value * 1000);
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value);
  if (!match) throw new RangeError(`not a duration: ${value}`);
  return Math.round(Number(match[1]) * unitMs[match[2]!]!);
}
