import { describe, expect, it } from "vitest";
import type { BuildEvent } from "../build/build-events.js";
import { createBuildProgress } from "./progress.js";

function lines(events: BuildEvent[]): string {
  let text = "";
  const progress = createBuildProgress({ write: (chunk: string) => (text += chunk) }, { live: false });
  for (const event of events) progress.onEvent(event);
  progress.stop();
  return text;
}

const run = {
  command: "node --test",
  exitCode: 1,
  timedOut: false,
  durationMs: 80,
  output: "",
  passed: false,
};

describe("plain build progress", () => {
  it("shows each validation round, what failed and which units are refined", () => {
    expect(
      lines([
        { type: "validation-start", command: "node --test", iteration: 1, maxIterations: 3 },
        { type: "validation-done", result: run, iteration: 1, maxIterations: 3, failed: 2 },
        { type: "refine-start", units: ["stats", "parse"], iteration: 2, maxIterations: 3 },
        {
          type: "refine-done",
          unit: "stats",
          changed: 1,
          cached: false,
          tokens: { input: 1200, output: 300 },
        },
        { type: "refine-done", unit: "parse", changed: 0, cached: true, tokens: { input: 0, output: 0 } },
        { type: "validation-start", command: "node --test", iteration: 2, maxIterations: 3 },
        {
          type: "validation-done",
          result: { ...run, passed: true, exitCode: 0 },
          iteration: 2,
          maxIterations: 3,
          failed: 0,
        },
      ]),
    ).toBe(
      [
        "validating (1/3): node --test",
        "  validation failed: 2 tests failing",
        "refining stats, parse (2/3)",
        "  stats: 1 file changed, 1.2k in / 300 out tokens",
        "  parse: 0 files changed (from cache)",
        "validating (2/3): node --test",
        "",
      ].join("\n"),
    );
  });

  it("says when a run timed out or failed without a readable test", () => {
    expect(
      lines([
        {
          type: "validation-done",
          result: { ...run, timedOut: true, exitCode: null },
          iteration: 1,
          maxIterations: 1,
          failed: 0,
        },
        {
          type: "validation-done",
          result: { ...run, exitCode: 2 },
          iteration: 1,
          maxIterations: 1,
          failed: 0,
        },
      ]),
    ).toBe("  validation timed out\n  validation failed (exit code 2)\n");
  });
});
