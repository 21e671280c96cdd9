import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { runGraph } from "./run-graph.js";

const node = (id: string, ...deps: string[]) => ({ id, deps });

/** Runs tasks that take `ms` each and records start/end order and the peak of running tasks. */
function recorder(ms = 5) {
  const events: string[] = [];
  let running = 0;
  let peak = 0;
  const task = async (id: string) => {
    running++;
    peak = Math.max(peak, running);
    events.push(`start ${id}`);
    await sleep(ms);
    events.push(`end ${id}`);
    running--;
    return id.toUpperCase();
  };
  return { task, events, peak: () => peak };
}

describe("runGraph", () => {
  it("starts every task only after the tasks it depends on have finished", async () => {
    const { task, events } = recorder();
    const nodes = [
      node("report", "stats", "format"),
      node("stats", "tokenize"),
      node("format"),
      node("tokenize"),
    ];
    const results = await runGraph(nodes, 4, task);
    for (const [id, dep] of [
      ["report", "stats"],
      ["report", "format"],
      ["stats", "tokenize"],
    ] as const) {
      expect(events.indexOf(`start ${id}`), `${id} after ${dep}`).toBeGreaterThan(
        events.indexOf(`end ${dep}`),
      );
    }
    expect(Object.fromEntries(results)).toEqual({
      report: "REPORT",
      stats: "STATS",
      format: "FORMAT",
      tokenize: "TOKENIZE",
    });
  });

  it.each([1, 3])("never runs more than %i tasks at once, and does reach that many", async (limit) => {
    const { task, peak } = recorder();
    const nodes = Array.from({ length: 9 }, (_, i) => node(`n${i}`));
    await runGraph(nodes, limit, task);
    expect(peak()).toBe(limit);
  });

  it("runs one task at a time when asked for no concurrency at all", async () => {
    const { task, peak } = recorder(1);
    await runGraph([node("a"), node("b")], 0, task);
    expect(peak()).toBe(1);
  });

  it("starts no new task after a failure, waits for the running ones, and rethrows the failure", async () => {
    const started: string[] = [];
    let slowFinished = false;
    const failure = new Error("model refused");
    const run = runGraph(
      [node("fails"), node("slow"), node("later"), node("after", "fails")],
      2,
      async (id) => {
        started.push(id);
        if (id === "fails") throw failure;
        await sleep(20);
        if (id === "slow") slowFinished = true;
      },
    );
    await expect(run).rejects.toBe(failure);
    expect(started).toEqual(["fails", "slow"]);
    expect(slowFinished).toBe(true);
  });

  it("treats a task that throws before returning a promise like one that rejects", async () => {
    const failure = new Error("sync");
    const task = (id: string): Promise<string> => {
      if (id === "b") throw failure;
      return sleep(5).then(() => id);
    };
    await expect(runGraph([node("a"), node("b")], 2, task)).rejects.toBe(failure);
  });

  it("reports nodes whose dependencies can never be met instead of hanging", async () => {
    const { task } = recorder(1);
    await expect(runGraph([node("a", "b"), node("b", "a"), node("c")], 2, task)).rejects.toThrow(
      "unresolvable dependencies for a, b",
    );
    await expect(runGraph([node("a", "missing")], 2, task)).rejects.toThrow(
      "unresolvable dependencies for a",
    );
  });
});
