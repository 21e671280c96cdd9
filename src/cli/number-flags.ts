import { UsageError } from "../errors.js";

/** `--concurrency 8`: a whole number of at least 1, or undefined when the flag is absent. */
export function positiveInt(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new UsageError(`${flag} takes a whole number of at least 1, got '${value}'`);
  return number;
}

/** `--retries 0`: a whole number, zero allowed. */
export function nonNegativeInt(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw new UsageError(`${flag} takes a whole number, got '${value}'`);
  return number;
}

/** `--timeout 90`: seconds, returned in milliseconds. */
export function seconds(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0)
    throw new UsageError(`${flag} takes a number of seconds, got '${value}'`);
  return number * 1000;
}
