// For tests only: hand-built packages and locks, so planning is tested without disk or loader.
import type { Lock, UnitLock } from "../lock/lock-schema.js";
import { LOCKFILE_VERSION } from "../lock/lock-schema.js";
import { manifestSchema } from "../package/manifest-schema.js";
import type { Layer, LayerKind, LoadedPackage, LoadedUnit } from "../package/types.js";
import { sha256 } from "../util/hash.js";
import { computeUnitInputs, hashOutputs } from "./unit-inputs.js";

/** A rendered layer with its real hash. */
export function makeLayer(kind: LayerKind, path: string, content: string): Layer {
  return { kind, path, content, hash: sha256(content) };
}

/** A unit with a prompt at units/<name>.md owning src/<name>.js unless told otherwise. */
export function makeUnit(name: string, overrides: Partial<LoadedUnit> = {}): LoadedUnit {
  return {
    name,
    prompt: makeLayer("unit", `units/${name}.md`, `Write the ${name} module.\n`),
    owns: [`src/${name}.js`],
    needs: [],
    model: "openai:gpt-4o-mini",
    modelParams: {},
    ...overrides,
  };
}

/** A code package in /pkg (out = the package folder) with a core prompt and the given units. */
export function makePackage(overrides: Partial<LoadedPackage> = {}): LoadedPackage {
  return {
    dir: "/pkg",
    manifestPath: "/pkg/specprompt.yaml",
    manifest: manifestSchema.parse({ name: "demo", version: "0.1.0", core: "core.md" }),
    outDir: "/pkg",
    core: makeLayer("core", "core.md", "Count words.\n"),
    context: [],
    tests: [],
    handwritten: [],
    params: {},
    units: [makeUnit("main")],
    validation: { timeoutMs: 600_000, maxIterations: 3, env: [] },
    protectedPaths: ["specprompt.yaml", "core.md", "specprompt.lock", "CHANGELOG.md", ".specprompt"],
    ...overrides,
  };
}

/**
 * The lock a successful build of `pkg` would leave: every unit built from its current inputs,
 * each writing `outputs[unit]` (default: one file per owned path, content = its path).
 */
export function makeLock(pkg: LoadedPackage, outputs: Record<string, Record<string, string>> = {}): Lock {
  const units: Record<string, UnitLock> = {};
  for (const unit of pkg.units) {
    const files = outputs[unit.name] ?? Object.fromEntries(unit.owns.map((path) => [path, sha256(path)]));
    const needsState: Record<string, string> = {};
    for (const name of unit.needs) needsState[name] = hashOutputs(units[name]?.outputs ?? {});
    const { inputs, inputHash } = computeUnitInputs(pkg, unit, needsState);
    units[unit.name] = {
      inputHash,
      inputs,
      outputs: files,
      requests: [sha256(`request ${unit.name}`)],
      tokens: { input: 100, output: 50 },
      iterations: 1,
      buildId: "20250101T000000Z-aaaaaa",
      builtAt: "2025-01-01T00:00:00.000Z",
    };
  }
  return {
    lockfileVersion: LOCKFILE_VERSION,
    name: pkg.manifest.name,
    version: pkg.manifest.version,
    params: pkg.params,
    build: {
      id: "20250101T000000Z-aaaaaa",
      time: "2025-01-01T00:00:00.000Z",
      tokens: { input: 100, output: 50 },
    },
    units,
  };
}
