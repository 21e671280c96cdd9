import { describe, expect, it } from "vitest";
import {
  backoffCeiling,
  chooseDelay,
  classifyFailure,
  type Failure,
  MAX_DELAY_MS,
  parseDuration,
  RetryError,
  readRetryDelay,
  withRetry,
} from "./retry.js";

const NOW = Date.parse("2025-11-20T12:00:00Z");

function httpError(statusCode: number, responseHeaders: Record<string, string> = {}) {
  return Object.assign(new Error(`status ${statusCode}`), { statusCode, responseHeaders });
}

describe("parseDuration", () => {
  it.each([
    ["1s", 1000],
    ["6m0s", 360_000],
    ["20ms", 20],
    ["1.5s", 1500],
    ["1h2m3s", 3_723_000],
    ["0s", 0],
  ])("reads %s as %i ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["", "soon", "5", "1x", "s"])("rejects %o", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe("readRetryDelay", () => {
  it("prefers retry-after-ms over everything else", () => {
    expect(readRetryDelay({ "retry-after-ms": "250", "retry-after": "9" }, NOW)).toBe(250);
  });

  it("reads retry-after in seconds and as an HTTP date", () => {
    expect(readRetryDelay({ "retry-after": "3" }, NOW)).toBe(3000);
    expect(readRetryDelay({ "retry-after": "Thu, 20 Nov 2025 12:00:05 GMT" }, NOW)).toBe(5000);
  });

  it("treats a date in the past as no wait", () => {
    expect(readRetryDelay({ "retry-after": "Thu, 20 Nov 2025 11:00:00 GMT" }, NOW)).toBe(0);
  });

  it("matches header names case-insensitively", () => {
    expect(readRetryDelay({ "Retry-After": "2" }, NOW)).toBe(2000);
  });

  it("waits for the OpenAI limit that is exhausted, not the one that is not", () => {
    const headers = {
      "x-ratelimit-remaining-requests": "0",
      "x-ratelimit-reset-requests": "1.5s",
      "x-ratelimit-remaining-tokens": "90000",
      "x-ratelimit-reset-tokens": "6m0s",
    };
    expect(readRetryDelay(headers, NOW)).toBe(1500);
  });

  it("uses an OpenAI reset when the remaining count is not sent", () => {
    expect(readRetryDelay({ "x-ratelimit-reset-tokens": "20ms" }, NOW)).toBe(20);
  });

  it("reads Anthropic's RFC 3339 reset timestamps", () => {
    const headers = {
      "anthropic-ratelimit-tokens-remaining": "0",
      "anthropic-ratelimit-tokens-reset": "2025-11-20T12:00:07Z",
      "anthropic-ratelimit-requests-remaining": "40",
      "anthropic-ratelimit-requests-reset": "2025-11-20T12:00:30Z",
    };
    expect(readRetryDelay(headers, NOW)).toBe(7000);
  });

  it("ignores rate-limit resets on responses that are not 429s", () => {
    expect(readRetryDelay({ "x-ratelimit-reset-requests": "1s" }, NOW, false)).toBeUndefined();
  });

  it("names no delay when there are no hints", () => {
    expect(readRetryDelay({ "content-type": "application/json" }, NOW)).toBeUndefined();
  });
});

describe("chooseDelay", () => {
  const rateLimited = (headers: Record<string, string>): Failure => ({
    kind: "http",
    retryable: true,
    status: 429,
    headers,
    reason: "HTTP 429",
  });

  it("uses full jitter under a ceiling that doubles from 500 ms up to 20 s", () => {
    expect([1, 2, 3, 6, 7, 12].map(backoffCeiling)).toEqual([500, 1000, 2000, 16_000, 20_000, 20_000]);
    expect(chooseDelay(rateLimited({}), 3, () => 0.5, NOW)).toBe(1000);
    expect(chooseDelay(rateLimited({}), 3, () => 0, NOW)).toBe(0);
  });

  it("caps a server's hint at 60 s", () => {
    expect(chooseDelay(rateLimited({ "retry-after": "3600" }), 1, () => 0, NOW)).toBe(MAX_DELAY_MS);
  });
});

describe("classifyFailure", () => {
  it.each([408, 409, 429, 500, 502, 503, 529])("retries HTTP %i", (status) => {
    expect(classifyFailure(httpError(status))).toMatchObject({ kind: "http", retryable: true, status });
  });

  it.each([400, 401, 403, 404, 422])("does not retry HTTP %i", (status) => {
    expect(classifyFailure(httpError(status)).retryable).toBe(false);
  });

  it("does not retry a malformed 200", () => {
    expect(classifyFailure(httpError(200)).retryable).toBe(false);
  });

  it("retries dropped connections found anywhere in the cause chain", () => {
    const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    expect(classifyFailure(new Error("Cannot connect to API", { cause: reset })).kind).toBe("network");
    expect(classifyFailure(new Error("socket hang up")).retryable).toBe(true);
    expect(classifyFailure(new TypeError("fetch failed")).retryable).toBe(true);
  });

  it("fails fast on connection refused, even inside an AggregateError", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const aggregate = new AggregateError([refused], "");
    expect(classifyFailure(new TypeError("fetch failed", { cause: aggregate }))).toMatchObject({
      kind: "refused",
      retryable: false,
    });
  });
});

describe("withRetry", () => {
  const fast = { maxRetries: 3, timeoutMs: 1000, sleep: async () => {}, random: () => 0 };

  it("returns the first success and reports each retry", async () => {
    const events: unknown[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw httpError(500);
        return "ok";
      },
      { ...fast, onRetry: (event) => events.push(event) },
    );
    expect(result).toBe("ok");
    expect(events).toEqual([
      { attempt: 2, delayMs: 0, reason: "HTTP 500: status 500" },
      { attempt: 3, delayMs: 0, reason: "HTTP 500: status 500" },
    ]);
  });

  it("stops at once on a failure that is not retryable", async () => {
    let calls = 0;
    const failing = withRetry(async () => {
      calls++;
      throw httpError(400);
    }, fast);
    await expect(failing).rejects.toMatchObject({ name: "RetryError", attempts: 1 });
    expect(calls).toBe(1);
  });

  it("times out an attempt that ignores its signal, then gives up after the retries", async () => {
    const error = await withRetry(() => new Promise(() => {}), {
      ...fast,
      maxRetries: 1,
      timeoutMs: 30,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryError);
    expect(error).toMatchObject({ attempts: 2, failure: { kind: "timeout" } });
  });

  it("passes the caller's abort through instead of retrying it", async () => {
    const controller = new AbortController();
    const running = withRetry(
      (signal) =>
        new Promise((_, reject) => {
          signal.addEventListener("abort", () => reject(signal.reason));
          controller.abort(new Error("user cancelled"));
        }),
      { ...fast, signal: controller.signal },
    );
    await expect(running).rejects.toThrow("user cancelled");
  });
});
