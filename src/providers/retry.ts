/**
 * Retries for model calls: which failures are worth another attempt, how long to wait
 * (the server's own hints first, else jittered backoff), and a timeout per attempt.
 * Knows nothing of any SDK: errors are read structurally (statusCode, responseHeaders, code).
 */
import { setTimeout as delay } from "node:timers/promises";

/** What went wrong in one attempt, and whether another attempt may help. */
export interface Failure {
  kind: "http" | "network" | "refused" | "timeout" | "other";
  retryable: boolean;
  /** HTTP status, when the server answered. */
  status?: number;
  headers?: Record<string, string>;
  /** Short text for retry notices and error messages. */
  reason: string;
}

export interface RetryOptions {
  /** Attempts after the first. */
  maxRetries: number;
  /** Time limit of each attempt in milliseconds. */
  timeoutMs: number;
  signal?: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Uniform in [0, 1); injected so tests can pin the jitter. */
  random?: () => number;
  now?: () => number;
  onRetry?: (event: { attempt: number; delayMs: number; reason: string }) => void;
}

/** Thrown by withRetry when it stops: the last failure and how many attempts were made. */
export class RetryError extends Error {
  readonly attempts: number;
  readonly failure: Failure;

  constructor(attempts: number, failure: Failure, cause: unknown) {
    super(failure.reason, { cause });
    this.name = "RetryError";
    this.attempts = attempts;
    this.failure = failure;
  }
}

const BASE_DELAY_MS = 500;
const BACKOFF_CAP_MS = 20_000;
/** No server hint may make us wait longer than this per retry. */
export const MAX_DELAY_MS = 60_000;

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CONNECT_TIMEOUT",
]);
const NETWORK_MESSAGE = /fetch failed|socket hang up|other side closed|network error|terminated/i;

/** Runs `fn` until it succeeds, fails for good, or runs out of retries; throws RetryError. */
export async function withRetry<T>(
  fn: (signal: AbortSignal) => PromiseLike<T>,
  options: RetryOptions,
): Promise<T> {
  const sleep = options.sleep ?? sleepFor;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    try {
      return await raceAbort(fn(signal), signal);
    } catch (error) {
      // The caller's own abort is not a failure to retry or to reword.
      if (options.signal?.aborted) throw options.signal.reason;
      const failure = timeout.aborted
        ? { kind: "timeout" as const, retryable: true, reason: `no answer within ${options.timeoutMs} ms` }
        : classifyFailure(error);
      if (!failure.retryable || attempt > options.maxRetries) throw new RetryError(attempt, failure, error);
      const delayMs = chooseDelay(failure, attempt, random, now());
      options.onRetry?.({ attempt: attempt + 1, delayMs, reason: failure.reason });
      try {
        await sleep(delayMs, options.signal);
      } catch (error) {
        throw options.signal?.aborted ? options.signal.reason : error;
      }
    }
  }
}

/** Sorts an error into a Failure: 408/409/429/5xx and dropped connections are retryable. */
export function classifyFailure(error: unknown): Failure {
  const fields = error as { statusCode?: unknown; responseHeaders?: unknown; message?: unknown };
  const message = typeof fields?.message === "string" ? fields.message : String(error);
  if (typeof fields?.statusCode === "number") {
    const status = fields.statusCode;
    const headers = (fields.responseHeaders ?? {}) as Record<string, string>;
    const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
    return { kind: "http", retryable, status, headers, reason: `HTTP ${status}: ${message}` };
  }
  const codes = collectCodes(error);
  // Nothing listening is not a hiccup: fail at once with a clear line instead of backing off.
  if (codes.has("ECONNREFUSED")) return { kind: "refused", retryable: false, reason: "connection refused" };
  if ([...codes].some((code) => NETWORK_CODES.has(code)) || NETWORK_MESSAGE.test(message)) {
    return { kind: "network", retryable: true, reason: `network error: ${message}` };
  }
  return { kind: "other", retryable: false, reason: message };
}

/** Milliseconds to wait before the next attempt: the server's hint, else full-jitter backoff. */
export function chooseDelay(failure: Failure, attempt: number, random: () => number, now: number): number {
  const hinted = failure.headers ? readRetryDelay(failure.headers, now, failure.status === 429) : undefined;
  if (hinted !== undefined) return Math.min(hinted, MAX_DELAY_MS);
  return Math.floor(random() * backoffCeiling(attempt));
}

/** The upper bound of the jittered backoff after the given (1-based) failed attempt. */
export function backoffCeiling(attempt: number): number {
  return Math.min(BACKOFF_CAP_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
}

/**
 * The wait a response asks for, in ms, or undefined when it names none. `retry-after-ms` and
 * `retry-after` always count; rate-limit reset headers only for a 429 (`rateLimited`), and only
 * for the limits that are exhausted (or whose remaining count is not sent).
 */
export function readRetryDelay(
  headers: Record<string, string>,
  now: number,
  rateLimited = true,
): number | undefined {
  const get = (name: string) => findHeader(headers, name);
  const ms = parseNumber(get("retry-after-ms"));
  if (ms !== undefined) return Math.max(0, ms);
  const retryAfter = get("retry-after");
  if (retryAfter !== undefined) {
    const seconds = parseNumber(retryAfter);
    if (seconds !== undefined) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  if (!rateLimited) return undefined;
  const waits: number[] = [];
  for (const limit of ["requests", "tokens"]) {
    const reset = parseDuration(get(`x-ratelimit-reset-${limit}`));
    if (reset !== undefined && isExhausted(get(`x-ratelimit-remaining-${limit}`))) waits.push(reset);
  }
  for (const limit of ["requests", "tokens", "input-tokens", "output-tokens"]) {
    const reset = Date.parse(get(`anthropic-ratelimit-${limit}-reset`) ?? "");
    if (!Number.isNaN(reset) && isExhausted(get(`anthropic-ratelimit-${limit}-remaining`))) {
      waits.push(Math.max(0, reset - now));
    }
  }
  return waits.length > 0 ? Math.max(...waits) : undefined;
}

/** Parses OpenAI's reset durations ("1s", "6m0s", "20ms", "1.5s", "1h2m") into ms. */
export function parseDuration(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (!/^(\d+(\.\d+)?(h|ms|m|s))+$/.test(trimmed)) return undefined;
  const unitMs: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  for (const [, value, , unit] of trimmed.matchAll(/(\d+(\.\d+)?)(h|ms|m|s)/g)) {
    total += Number(value) * unitMs[unit!]!;
  }
  return Math.round(total);
}

function isExhausted(remaining: string | undefined): boolean {
  return remaining === undefined || Number(remaining) <= 0;
}

function findHeader(headers: Record<string, string>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

function parseNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(text)) return undefined;
  return Number(text);
}

/** Error codes along the cause chain, including AggregateError members (happy eyeballs). */
function collectCodes(error: unknown): Set<string> {
  const codes = new Set<string>();
  const pending: unknown[] = [error];
  for (let seen = 0; pending.length > 0 && seen < 16; seen++) {
    const current = pending.pop() as { code?: unknown; cause?: unknown; errors?: unknown } | undefined;
    if (typeof current !== "object" || current === null) continue;
    if (typeof current.code === "string") codes.add(current.code);
    if (current.cause !== undefined) pending.push(current.cause);
    if (Array.isArray(current.errors)) pending.push(...current.errors);
  }
  return codes;
}

/** Settles with the abort when `signal` fires, even if `promise` ignores the signal. */
function raceAbort<T>(promise: PromiseLike<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    Promise.resolve(promise)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, signal ? { signal } : undefined);
}
