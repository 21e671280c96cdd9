import { describe, expect, it } from "vitest";
import { type ProgressState, renderProgressLine } from "./report-progress.js";

const state = (fields: Partial<ProgressState> = {}): ProgressState => ({
  total: 4000,
  resumed: 0,
  done: 1000,
  passed: 950,
  failed: 50,
  cached: 0,
  retries: 0,
  rateLimited: 0,
  window: 50,
  limit: 50,
  startedAt: 0,
  ...fields,
});

describe("renderProgressLine", () => {
  it("shows done/total, passes and failures, the rate and the time left", () => {
    expect(renderProgressLine(state(), 10_000, 200, false)).toBe(
      "1,000/4,000 · ✓ 950 ✗ 50 · 100/s · ETA 30.0s",
    );
  });

  it("counts the rate from this run's results only when resuming", () => {
    expect(renderProgressLine(state({ resumed: 900 }), 10_000, 200, false)).toMatch(/ 10\/s · ETA 5m00s$/);
  });

  it("mentions a lowered concurrency, cache hits and retries only when there are some", () => {
    const line = renderProgressLine(
      state({ window: 12, cached: 300, retries: 7, rateLimited: 5 }),
      10_000,
      200,
      false,
    );
    expect(line).toContain("concurrency 12/50 · 300 cached · 7 retries (5 × 429)");
  });

  it("draws a bar that fills with the share done", () => {
    const line = renderProgressLine(state({ done: 2000 }), 10_000, 80);
    const bar = /^\[(█*)(░*)\]/.exec(line)!;
    expect(bar[1]!.length).toBe(bar[2]!.length);
  });
});
