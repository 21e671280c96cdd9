import { describe, expect, it } from "vitest";
import { SpecPromptError } from "../errors.js";
import { CallFailedError, createScheduler, failureOf, type SchedulerOptions } from "./scheduler.js";

function httpError(statusCode: number, responseHeaders: Record<string, string> = {}) {
  return Object.assign(new Error(`status ${statusCode}`), { statusCode, responseHeaders });
}

/** A call the test settles by hand, remembering how many ran at once. */
function createCalls() {
  const pending: Array<{ resolve: (value: string) => void; reject: (error: unknown) => void }> = [];
  let running = 0;
  let peak = 0;
  let started = 0;
  const call = () =>
    new Promise<string>((resolve, reject) => {
      running++;
      started++;
      peak = Math.max(peak, running);
      pending.push({
        resolve: (value) => {
          running--;
          resolve(value);
        },
        reject: (error) => {
          running--;
          reject(error);
        },
      });
    });
  return {
    call,
    pending,
    get peak() {
      return peak;
    },
    get started() {
      return started;
    },
    get running() {
      return running;
    },
  };
}

/** Lets every settled promise run its continuations. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

function options(extra: Partial<SchedulerOptions> = {}): SchedulerOptions {
  return {
    limit: 4,
    maxRetries: 3,
    sleep: async () => {},
    random: () => 0.5,
    now: () => 0,
    ...extra,
  };
}

describe("createScheduler", () => {
  it("never runs more calls at once than the limit, and runs them all", async () => {
    const scheduler = createScheduler(options({ limit: 3 }));
    const calls = createCalls();
    const results = Array.from({ length: 10 }, (_, i) => scheduler.run(calls.call).then((v) => `${i}:${v}`));
    await flush();
    expect(calls.running).toBe(3);
    while (calls.pending.length > 0) {
      calls.pending.shift()!.resolve("ok");
      await flush();
    }
    expect(await Promise.all(results)).toHaveLength(10);
    expect(calls.peak).toBe(3);
  });

  it("halves the window on a 429 once for a burst of calls started together", async () => {
    const scheduler = createScheduler(options({ limit: 8 }));
    const calls = createCalls();
    const runs = Array.from({ length: 8 }, () => scheduler.run(calls.call));
    await flush();
    expect(scheduler.window).toBe(8);
    // Three of the first eight are rate-limited: the window is cut once, to 4, not to 1.
    for (let i = 0; i < 3; i++) calls.pending.shift()!.reject(httpError(429));
    await flush();
    expect(scheduler.window).toBe(4);
    // Five still run; the three retries wait until fewer than four are in flight.
    expect(calls.running).toBe(5);
    calls.pending.shift()!.resolve("ok");
    calls.pending.shift()!.resolve("ok");
    await flush();
    expect(calls.running).toBe(4);
    while (calls.pending.length > 0) {
      calls.pending.shift()!.resolve("ok");
      await flush();
    }
    await Promise.all(runs);
    expect(scheduler.stats).toEqual({ attempts: 11, retries: 3, rateLimited: 3 });
  });

  it("cuts again for a 429 of a call started after the last cut, but never below 1", async () => {
    const windows: number[] = [];
    const scheduler = createScheduler(
      options({ limit: 8, maxRetries: 10, onRetry: (notice) => windows.push(notice.window) }),
    );
    let failures = 5;
    await scheduler.run(async () => {
      if (failures-- > 0) throw httpError(429);
      return "ok";
    });
    expect(windows).toEqual([4, 2, 1, 1, 1]);
    expect(scheduler.stats.rateLimited).toBe(5);
  });

  it("grows the window back by one per window's worth of successes, up to the limit", async () => {
    const scheduler = createScheduler(options({ limit: 4, maxRetries: 10 }));
    let failures = 2;
    const windows: number[] = [];
    await scheduler.run(async () => {
      if (failures-- > 0) throw httpError(429);
      windows.push(scheduler.window);
      return "ok";
    });
    for (let i = 0; i < 8; i++) {
      windows.push(scheduler.window);
      await scheduler.run(async () => "ok");
    }
    windows.push(scheduler.window);
    // 1 → 2 after one success, → 3 after two more, → 4 after three more, then it stays.
    expect(windows).toEqual([1, 2, 2, 3, 3, 3, 4, 4, 4, 4]);
  });

  it.each([
    [{ "retry-after-ms": "250" }, 250],
    [{ "retry-after": "2" }, 2000],
    [{ "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "1.5s" }, 1500],
    [
      {
        "anthropic-ratelimit-requests-remaining": "0",
        "anthropic-ratelimit-requests-reset": "1970-01-01T00:00:03Z",
      },
      3000,
    ],
  ])("waits as a 429's headers %o ask (%i ms)", async (headers, expected) => {
    const waits: number[] = [];
    const scheduler = createScheduler(options({ sleep: async (ms) => void waits.push(ms) }));
    let failed = false;
    const value = await scheduler.run(async () => {
      if (!failed) {
        failed = true;
        throw httpError(429, headers);
      }
      return "ok";
    });
    expect(value).toBe("ok");
    expect(waits).toEqual([expected]);
  });

  it("backs off with jitter below the first ceiling when a 429 names no wait", async () => {
    const waits: number[] = [];
    const scheduler = createScheduler(
      options({ random: () => 0.999, sleep: async (ms) => void waits.push(ms) }),
    );
    let failed = false;
    await scheduler.run(async () => {
      if (!failed) {
        failed = true;
        throw httpError(429);
      }
      return "ok";
    });
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeLessThan(500);
  });

  it("frees the slot while a rate-limited call waits, so another call runs meanwhile", async () => {
    let wake: () => void = () => {};
    const scheduler = createScheduler(
      options({
        limit: 1,
        sleep: () =>
          new Promise<void>((resolve) => {
            wake = resolve;
          }),
      }),
    );
    const order: string[] = [];
    let first = true;
    const limited = scheduler.run(async () => {
      if (first) {
        first = false;
        order.push("a: 429");
        throw httpError(429);
      }
      order.push("a: ok");
      return "a";
    });
    const other = scheduler.run(async () => {
      order.push("b: ok");
      return "b";
    });
    await other;
    wake();
    await limited;
    expect(order).toEqual(["a: 429", "b: ok", "a: ok"]);
  });

  it("holds back new calls until a hinted 429 wait is over", async () => {
    let clock = 0;
    const sleeps: number[] = [];
    const scheduler = createScheduler(
      options({
        limit: 4,
        now: () => clock,
        sleep: async (ms) => {
          sleeps.push(ms);
          clock += ms;
        },
      }),
    );
    let first = true;
    await scheduler.run(async () => {
      if (first) {
        first = false;
        throw httpError(429, { "retry-after": "3" });
      }
      return "ok";
    });
    expect(clock).toBe(3000);
    // The pause is over: a new call does not wait again.
    await scheduler.run(async () => "ok");
    expect(sleeps).toEqual([3000]);
  });

  it.each([
    ["HTTP 500", () => httpError(500)],
    ["HTTP 503", () => httpError(503)],
    [
      "a reset connection",
      () => Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNRESET" } }),
    ],
  ])("retries %s and succeeds", async (_name, makeError) => {
    const scheduler = createScheduler(options());
    let failures = 2;
    const value = await scheduler.run(async () => {
      if (failures-- > 0) throw makeError();
      return "ok";
    });
    expect(value).toBe("ok");
    expect(scheduler.stats).toMatchObject({ attempts: 3, retries: 2, rateLimited: 0 });
  });

  it.each([400, 401, 404, 408, 409, 422])("does not retry HTTP %i", async (status) => {
    const scheduler = createScheduler(options());
    const error = await scheduler.run(() => Promise.reject(httpError(status))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallFailedError);
    expect((error as CallFailedError).failure.status).toBe(status);
    expect((error as CallFailedError).attempts).toBe(1);
    expect(scheduler.stats.attempts).toBe(1);
  });

  it("gives up after maxRetries and says how many attempts it made", async () => {
    const scheduler = createScheduler(options({ maxRetries: 2 }));
    const error = (await scheduler
      .run(() => Promise.reject(httpError(502)))
      .catch((e) => e)) as CallFailedError;
    expect(error).toBeInstanceOf(CallFailedError);
    expect(error.attempts).toBe(3);
    expect(error.message).toMatch(/HTTP 502.*\(3 attempts\)/);
  });

  it("retries an attempt the provider timed out, and says so when it gives up", async () => {
    const scheduler = createScheduler(options({ maxRetries: 1 }));
    const timedOut = () =>
      new SpecPromptError("E_PROVIDER", "openai:m did not answer within 50 ms (1 attempt)", {
        cause: new DOMException("The operation was aborted due to timeout", "TimeoutError"),
      });
    const error = (await scheduler.run(() => Promise.reject(timedOut())).catch((e) => e)) as CallFailedError;
    expect(error.failure).toMatchObject({ kind: "timeout", retryable: true });
    expect(error.attempts).toBe(2);
    expect(error.message).toBe("openai:m did not answer within 50 ms (2 attempts)");
  });

  it("rejects running and queued calls with the abort reason and retries nothing", async () => {
    const controller = new AbortController();
    const scheduler = createScheduler(options({ limit: 1, signal: controller.signal }));
    const calls = createCalls();
    const running = scheduler.run(calls.call).catch((e) => e);
    const queued = scheduler.run(calls.call).catch((e) => e);
    await flush();
    controller.abort(new Error("stop"));
    expect(((await running) as Error).message).toBe("stop");
    expect(((await queued) as Error).message).toBe("stop");
    expect(calls.started).toBe(1);
  });

  it("notifies each retry with the attempt, the wait and the window", async () => {
    const notices: unknown[] = [];
    const scheduler = createScheduler(options({ limit: 4, onRetry: (notice) => notices.push(notice) }));
    let failed = false;
    await scheduler.run(async () => {
      if (!failed) {
        failed = true;
        throw httpError(429, { "retry-after-ms": "10" });
      }
      return "ok";
    });
    expect(notices).toEqual([
      { attempt: 2, delayMs: 10, reason: expect.stringMatching(/^HTTP 429/), status: 429, window: 2 },
    ]);
  });
});

describe("failureOf", () => {
  it("reads the HTTP status through a provider's SpecPromptError", () => {
    const error = new SpecPromptError("E_PROVIDER", "openai:x failed", {
      cause: httpError(429, { "retry-after": "1" }),
    });
    expect(failureOf(error)).toMatchObject({ kind: "http", status: 429, retryable: true });
  });

  it("treats a configuration error as final", () => {
    expect(failureOf(new SpecPromptError("E_PROVIDER_CONFIG", "no key")).retryable).toBe(false);
  });
});
