import { describe, expect, it } from "vitest";
import { sha256 } from "../util/hash.js";
import { makeLock, makePackage, makeUnit } from "./make-test-package.js";
import type { LoopState } from "./refine-loop.js";
import { reportUnits, settleUnits } from "./settle-units.js";
import { computeUnitInputs, hashOutputs } from "./unit-inputs.js";
import { hashFiles, startUnitWork } from "./unit-work.js";

const validation = { command: "node --test", passed: true, exitCode: 0, tests: { passed: 3, failed: 0 } };
const stamp = { buildId: "20250303T000000Z-cccccc", builtAt: "2025-03-03T00:00:00.000Z", validation };

/** a ← b (b needs a) ← nothing; c alone. */
function chain() {
  const pkg = makePackage({ units: [makeUnit("a"), makeUnit("b", { needs: ["a"] }), makeUnit("c")] });
  return { pkg, previous: makeLock(pkg) };
}

function generation(files: Record<string, string>, rounds = 1) {
  return {
    files: new Map(Object.entries(files)),
    requests: Array.from({ length: rounds * 2 }, (_, index) => sha256(`r${index}`)),
    usage: { input: 1_000_000, output: 0 },
    spent: { input: 1_000_000, output: 0 },
    refused: [],
    cached: 0,
  };
}

describe("settleUnits", () => {
  it("records a generated unit with its rounds, tokens, price and the validation it passed", () => {
    const { pkg, previous } = chain();
    const unit = pkg.units[2]!;
    const { inputs } = computeUnitInputs(pkg, unit, {});
    const work = startUnitWork(
      {
        unit,
        action: "generate",
        reasons: [],
        entry: previous.units.c,
        inputs,
        inputHash: sha256("new c inputs"),
      },
      generation({ "src/c.js": "new c" }, 2),
      2,
    );
    const state: LoopState = {
      works: new Map([["c", work]]),
      overlay: new Map([["src/c.js", "new c"]]),
      finalFiles: new Map([["c", { hashes: hashFiles(work.files) }]]),
    };

    const updated = settleUnits(pkg, previous, state, { ...stamp, revised: new Set() });

    expect([...updated.keys()]).toEqual(["c"]);
    expect(updated.get("c")).toMatchObject({
      inputHash: sha256("new c inputs"),
      outputs: { "src/c.js": sha256("new c") },
      iterations: 2,
      requests: work.requests,
      tokens: { input: 1_000_000, output: 0 },
      cost: 0.15, // gpt-4o-mini input price per million
      validation,
      buildId: stamp.buildId,
    });
    expect(reportUnits(pkg, state)).toEqual([
      expect.objectContaining({ unit: "c", iterations: 2, requests: 4, cost: 0.15 }),
    ]);
  });

  it("leaves the entry of a unit that ended exactly where it was", () => {
    const { pkg, previous } = chain();
    const entry = previous.units.c!;
    const work = startUnitWork(
      {
        unit: pkg.units[2]!,
        action: "restore",
        reasons: [],
        entry,
        inputs: entry.inputs,
        inputHash: entry.inputHash,
      },
      generation({ "src/c.js": "src/c.js" }),
      1,
    );
    const state: LoopState = { works: new Map([["c", work]]), overlay: new Map(), finalFiles: new Map() };
    expect(settleUnits(pkg, previous, state, { ...stamp, revised: new Set() }).size).toBe(0);
  });

  it("re-keys a kept unit whose needed unit a refinement changed, to the files it was validated with", () => {
    const { pkg, previous } = chain();
    const a = pkg.units[0]!;
    const entry = previous.units.a!;
    const work = startUnitWork(
      { unit: a, action: "generate", reasons: [], entry, inputs: entry.inputs, inputHash: sha256("new a") },
      generation({ "src/a.js": "refined a" }, 2),
      2,
    );
    const finalFiles = new Map([
      ["a", { hashes: hashFiles(work.files) }],
      ["b", { hashes: previous.units.b!.outputs }],
      ["c", { hashes: previous.units.c!.outputs }],
    ]);
    const state: LoopState = { works: new Map([["a", work]]), overlay: new Map(), finalFiles };

    const updated = settleUnits(pkg, previous, state, { ...stamp, revised: new Set(["a"]) });

    expect([...updated.keys()]).toEqual(["a", "b"]);
    const b = updated.get("b")!;
    expect(b.inputs.needs).toEqual({ a: hashOutputs({ "src/a.js": sha256("refined a") }) });
    expect(b.inputHash).toBe(computeUnitInputs(pkg, pkg.units[1]!, { a: b.inputs.needs.a! }).inputHash);
    expect(b).toMatchObject({
      outputs: previous.units.b!.outputs,
      requests: previous.units.b!.requests,
      validation,
    });
    // Without a refinement, a kept unit is left alone.
    expect(settleUnits(pkg, previous, state, { ...stamp, revised: new Set() }).has("b")).toBe(false);
  });
});
