/**
 * The eval runner's call scheduler: at most `limit` model calls in flight, and retries that the
 * scheduler owns (providers are created with maxRetries 0; each attempt's time limit is the
 * provider's own `timeoutMs`, and a timed-out attempt is retried here).
 *
 * - 429: wait as the server asks (retry-after, retry-after-ms, rate-limit reset headers), else a
 *   jittered backoff; the slot is freed while waiting, and a hinted wait pauses new calls too.
 * - Concurrency adapts AIMD-style: a 429 halves the window (once per window generation, so a
 *   burst of 429s from calls started together counts once), each window's worth of successes
 *   grows it by one, never below 1 nor above `limit`.
 * - 5xx, network errors and timeouts are retried; any other failure is final at once.
 * - Aborting the run's signal rejects queued and running calls at once.
 */
import { setTimeout as delay } from "node:timers/promises";
import { SpecPromptError } from "../errors.js";
import { chooseDelay, classifyFailure, type Failure } from "../providers/retry.js";

export interface SchedulerOptions {
  /** The most calls in flight at once (`--concurrency`). */
  limit: number;
  /** Retries of one call after its first attempt. */
  maxRetries: number;
  /** Aborts queued and running calls (Ctrl-C). */
  signal?: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Uniform in [0, 1), for the backoff jitter. */
  random?: () => number;
  now?: () => number;
  onRetry?: (event: RetryNotice) => void;
}

/** Told before a failed attempt is retried. */
export interface RetryNotice {
  /** The attempt about to start (2 is the first retry). */
  attempt: number;
  delayMs: number;
  reason: string;
  status?: number;
  /** The concurrency window after this failure. */
  window: number;
}

export interface SchedulerStats {
  /** HTTP attempts started. */
  attempts: number;
  retries: number;
  rateLimited: number;
}

export interface Scheduler {
  /** Runs one call when a slot is free; retries it as above; rejects with a CallFailedError. */
  run<T>(call: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** The current concurrency window (1..limit). */
  readonly window: number;
  readonly active: number;
  readonly stats: SchedulerStats;
}

/** A call that failed for good: the last failure, the attempts made, the original error. */
export class CallFailedError extends Error {
  readonly failure: Failure;
  readonly attempts: number;

  constructor(failure: Failure, attempts: number, cause: unknown) {
    super(describeCause(failure, cause, attempts), { cause });
    this.name = "CallFailedError";
    this.failure = failure;
    this.attempts = attempts;
  }
}

/** What went wrong, read from a provider's error (its SpecPromptError keeps the HTTP or network error as cause). */
export function failureOf(error: unknown): Failure {
  const source = error instanceof SpecPromptError && error.cause !== undefined ? error.cause : error;
  if ((source as Error | undefined)?.name === "TimeoutError") {
    // The provider's message says who did not answer within how long; the attempt count is ours.
    const reason = error instanceof Error ? error.message.replace(/ \(\d+ attempts?\)$/, "") : "timed out";
    return { kind: "timeout", retryable: true, reason };
  }
  const failure = classifyFailure(source);
  // Only 429 among the 4xx is worth another attempt (classifyFailure also retries 408 and 409).
  if (failure.kind === "http" && failure.status !== undefined && failure.status < 500) {
    return { ...failure, retryable: failure.status === 429 };
  }
  return failure;
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const limit = Math.max(1, Math.floor(options.limit));
  const sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, signal ? { signal } : undefined));
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const waiting: Array<{ grant: () => void }> = [];
  const stats: SchedulerStats = { attempts: 0, retries: 0, rateLimited: 0 };
  let window = limit;
  let active = 0;
  /** Bumped on every cut: a 429 of an attempt started before the last cut does not cut again. */
  let generation = 0;
  let pausedUntil = 0;

  const capacity = () => Math.max(1, Math.floor(window));

  const pump = () => {
    while (active < capacity() && waiting.length > 0) {
      active++;
      waiting.shift()!.grant();
    }
  };

  /**
   * Takes a slot: at once (undefined) when one is free, else a promise that settles when granted.
   * A retry goes to the front of the queue, so a long queue of new cases cannot starve a call
   * already under way.
   */
  const acquire = (retry: boolean): Promise<void> | undefined => {
    options.signal?.throwIfAborted();
    if (active < capacity() && (waiting.length === 0 || retry)) {
      active++;
      return undefined;
    }
    return new Promise<void>((resolve, reject) => {
      const entry = {
        grant: () => {
          options.signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const index = waiting.indexOf(entry);
        if (index !== -1) waiting.splice(index, 1);
        reject(options.signal!.reason);
      };
      options.signal?.addEventListener("abort", onAbort, { once: true });
      if (retry) waiting.unshift(entry);
      else waiting.push(entry);
    });
  };

  const release = () => {
    active--;
    pump();
  };

  const waitForPause = async () => {
    // Loops only when another 429 moved the pause further while this call slept.
    for (let target = 0; pausedUntil > target && pausedUntil > now(); ) {
      target = pausedUntil;
      await sleep(target - now(), options.signal);
    }
  };

  // Attempts under way: aborting the run rejects them all through one listener, rather than one
  // listener (or an AbortSignal.any) per attempt.
  const running = new Set<(reason: unknown) => void>();
  options.signal?.addEventListener("abort", () => {
    for (const reject of running) reject(options.signal!.reason);
  });
  const never = new AbortController().signal;

  const attemptOnce = <T>(call: (signal: AbortSignal) => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      stats.attempts++;
      if (options.signal?.aborted) return reject(options.signal.reason);
      running.add(reject);
      call(options.signal ?? never)
        .then(resolve, reject)
        .finally(() => running.delete(reject));
    });

  return {
    get window() {
      return capacity();
    },
    get active() {
      return active;
    },
    stats,
    async run<T>(call: (signal: AbortSignal) => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        if (pausedUntil > now()) await waitForPause();
        const waiting = acquire(attempt > 1);
        if (waiting) await waiting;
        const started = generation;
        let failure: Failure;
        let error: unknown;
        try {
          const value = await attemptOnce(call);
          // Additive increase: one more slot per window's worth of successes.
          if (window < limit) window = Math.min(limit, window + 1 / capacity());
          return value;
        } catch (caught) {
          if (options.signal?.aborted) throw options.signal.reason;
          error = caught;
          failure = failureOf(caught);
        } finally {
          release();
        }
        if (failure.status === 429) {
          stats.rateLimited++;
          if (started === generation) {
            window = Math.max(1, Math.floor(capacity() / 2));
            generation++;
          }
        }
        if (!failure.retryable || attempt > options.maxRetries) {
          throw new CallFailedError(failure, attempt, error);
        }
        const delayMs = chooseDelay(failure, attempt, random, now());
        // A server that names a wait for a 429 gets no new call from us until then, this one
        // included (it waits at the top of the loop); otherwise only this call backs off.
        const pause = failure.status === 429 && hasHint(failure);
        if (pause) pausedUntil = Math.max(pausedUntil, now() + delayMs);
        stats.retries++;
        options.onRetry?.({
          attempt: attempt + 1,
          delayMs,
          reason: failure.reason,
          status: failure.status,
          window: capacity(),
        });
        if (!pause) await sleep(delayMs, options.signal);
      }
    },
  };
}

function hasHint(failure: Failure): boolean {
  const names = Object.keys(failure.headers ?? {}).map((name) => name.toLowerCase());
  return names.some((name) => name.startsWith("retry-after") || name.includes("ratelimit"));
}

function describeCause(failure: Failure, cause: unknown, attempts: number): string {
  const tries = attempts > 1 ? ` (${attempts} attempts)` : "";
  // For a response we could not use, the provider's own message says it best.
  const unusable = failure.kind === "other" || (failure.status !== undefined && failure.status < 300);
  const text = unusable && cause instanceof Error ? cause.message : failure.reason;
  return `${text}${tries}`;
}
