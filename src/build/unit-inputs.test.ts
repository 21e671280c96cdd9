import { describe, expect, it } from "vitest";
import type { UnitInputs } from "../lock/lock-schema.js";
import { sha256 } from "../util/hash.js";
import { stableStringify } from "../util/stable-json.js";
import { PROMPT_FORMAT_VERSION } from "./assemble-prompt.js";
import { makeLayer, makePackage, makeUnit } from "./make-test-package.js";
import { computeUnitInputs, describeInputChanges, hashOutputs } from "./unit-inputs.js";

const h = (text: string) => sha256(text);

function inputs(overrides: Partial<UnitInputs> = {}): UnitInputs {
  return {
    format: PROMPT_FORMAT_VERSION,
    model: "openai:gpt-4o-mini",
    modelParams: {},
    core: h("core"),
    context: {},
    tests: {},
    needs: {},
    ...overrides,
  };
}

describe("computeUnitInputs", () => {
  it("records the hash of every layer, test and needed unit the unit depends on", () => {
    const unit = makeUnit("stats", { needs: ["tokenize"], modelParams: { seed: 7 } });
    const pkg = makePackage({
      guide: makeLayer("guide", "guide.md", "G"),
      criteria: makeLayer("criteria", "acceptance.md", "C"),
      context: [makeLayer("context", "context/api.md", "A")],
      tests: [makeLayer("test", "test/a.test.js", "T")],
      units: [makeUnit("tokenize"), unit],
    });
    const { inputs: recorded } = computeUnitInputs(pkg, unit, { tokenize: h("outputs") });
    expect(recorded).toEqual({
      format: PROMPT_FORMAT_VERSION,
      model: "openai:gpt-4o-mini",
      modelParams: { seed: 7 },
      core: h("Count words.\n"),
      guide: h("G"),
      criteria: h("C"),
      prompt: h("Write the stats module.\n"),
      context: { "context/api.md": h("A") },
      tests: { "test/a.test.js": h("T") },
      needs: { tokenize: h("outputs") },
    });
  });

  it("gives the same hash for the same inputs and a different one when any input changes", () => {
    const pkg = makePackage();
    const unit = pkg.units[0]!;
    const base = computeUnitInputs(pkg, unit, {}).inputHash;
    expect(computeUnitInputs(makePackage(), makeUnit("main"), {}).inputHash).toBe(base);
    const withContext = { ...pkg, context: [makeLayer("context", "context/x.md", "")] };
    expect(computeUnitInputs(withContext, unit, {}).inputHash).not.toBe(base);
    expect(computeUnitInputs(pkg, { ...unit, modelParams: { topP: 0.5 } }, {}).inputHash).not.toBe(base);
  });

  it("hashes the canonical JSON of the inputs, whatever order layers, needs and params come in", () => {
    const layers = [makeLayer("context", "context/b.md", "B"), makeLayer("context", "context/a.md", "A")];
    const unit = makeUnit("report", { needs: ["stats", "format"], modelParams: { topP: 1, seed: 2 } });
    const pkg = makePackage({ context: layers, units: [makeUnit("format"), makeUnit("stats"), unit] });
    const needs = { stats: h("s"), format: h("f") };
    const { inputs: recorded, inputHash } = computeUnitInputs(pkg, unit, needs);
    expect(inputHash).toBe(sha256(stableStringify(recorded)));
    const reordered = computeUnitInputs(
      { ...pkg, context: [...layers].reverse() },
      { ...unit, needs: ["format", "stats"], modelParams: { seed: 2, topP: 1 } },
      needs,
    );
    expect(reordered.inputHash).toBe(inputHash);
  });

  it("ignores the needs state of units this one does not need", () => {
    const pkg = makePackage();
    const unit = pkg.units[0]!;
    expect(computeUnitInputs(pkg, unit, { other: h("x") })).toEqual(computeUnitInputs(pkg, unit, {}));
  });

  it("refuses to hash a unit whose needed unit has no known state", () => {
    const unit = makeUnit("stats", { needs: ["tokenize"] });
    expect(() => computeUnitInputs(makePackage({ units: [unit] }), unit, {})).toThrow(
      "no state for needed unit tokenize",
    );
  });
});

describe("hashOutputs", () => {
  it("depends on the paths and hashes of the outputs, not their order", () => {
    const a = hashOutputs({ "a.js": h("1"), "b.js": h("2") });
    expect(hashOutputs({ "b.js": h("2"), "a.js": h("1") })).toBe(a);
    expect(hashOutputs({ "a.js": h("1"), "b.js": h("3") })).not.toBe(a);
    expect(hashOutputs({ "a.js": h("1"), "c.js": h("2") })).not.toBe(a);
  });
});

describe("describeInputChanges", () => {
  it("says nothing when the inputs are the same", () => {
    expect(describeInputChanges(inputs(), inputs())).toEqual([]);
  });

  it("names each changed input in words", () => {
    const before = inputs({
      guide: h("guide"),
      context: { "context/a.md": h("a"), "context/gone.md": h("g") },
      tests: { "test/t.js": h("t") },
      needs: { tokenize: h("1"), old: h("o") },
    });
    const after = inputs({
      format: "99",
      model: "ollama:llama3",
      modelParams: { temperature: 0 },
      core: h("core 2"),
      criteria: h("criteria"),
      prompt: h("prompt"),
      context: { "context/a.md": h("a2"), "context/new.md": h("n") },
      tests: { "test/t.js": h("t2") },
      needs: { tokenize: h("2"), stats: h("s") },
    });
    expect(describeInputChanges(before, after)).toEqual([
      "specprompt's prompt format changed",
      "model changed (openai:gpt-4o-mini → ollama:llama3)",
      "model parameters changed",
      "core changed",
      "guide removed",
      "acceptance criteria added",
      "unit prompt added",
      "context context/a.md changed",
      "context context/new.md added",
      "context context/gone.md removed",
      "test test/t.js changed",
      "needed unit tokenize changed",
      "now needs stats",
      "no longer needs old",
    ]);
  });

  it("does not call model parameters changed when only their key order differs", () => {
    const before = inputs({ modelParams: { temperature: 0, seed: 1 } });
    const after = inputs({ modelParams: { seed: 1, temperature: 0 } });
    expect(describeInputChanges(before, after)).toEqual([]);
  });
});
