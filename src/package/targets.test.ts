import { describe, expect, it } from "vitest";
import { makeLock, makePackage } from "../build/make-test-package.js";
import { parseLock } from "../lock/parse-lock.js";
import { lockView, serializeLock, withTargetLock } from "../lock/read-lock.js";
import type { Manifest } from "./manifest-schema.js";
import { parseManifest } from "./parse-manifest.js";
import { manifestForTarget, selectTargets } from "./targets.js";

const HEADER = "name: demo\nversion: 0.1.0\ncore: core.md\nmodel: openai:gpt-4o-mini\n";

function manifestOf(text: string): Manifest {
  const parsed = parseManifest(`${HEADER}${text}`, "specprompt.yaml");
  expect(parsed.errors).toEqual([]);
  return parsed.manifest!;
}

function errorsOf(text: string) {
  return parseManifest(`${HEADER}${text}`, "specprompt.yaml").errors;
}

const TWO_TARGETS = `guide: guide.md
params: { lang: none, license: MIT }
validation: { command: node --test, tests: [test/**], maxIterations: 2 }
units:
  core: { prompt: units/core.md, owns: [src/core.js] }
  cli: { prompt: units/cli.md, owns: [src/cli.js], needs: [core] }
targets:
  ts:
    out: ts
    params: { lang: typescript }
    units: { core: { owns: [src/core.ts] } }
  py:
    guide: guides/py.md
    out: py
    model: anthropic:claude-sonnet-4-5
    validation: { command: pytest -q, tests: [tests/**] }
    units: { core: { owns: [core.py] }, cli: { owns: [cli.py], modelParams: { temperature: 0 } } }
`;

describe("manifestForTarget", () => {
  it("lays the target's fields over the package's and leaves shared layers alone", () => {
    const manifest = manifestOf(TWO_TARGETS);
    const ts = manifestForTarget(manifest, "ts");
    expect(ts).toMatchObject({ guide: "guide.md", out: "ts", core: "core.md", model: "openai:gpt-4o-mini" });
    expect(ts.params).toEqual({ lang: "typescript", license: "MIT" });
    expect(ts.units?.core?.owns).toEqual(["src/core.ts"]);
    expect(ts.units?.cli).toEqual(manifest.units?.cli);
    expect(ts.validation).toEqual(manifest.validation);

    const py = manifestForTarget(manifest, "py");
    expect(py).toMatchObject({ guide: "guides/py.md", out: "py", model: "anthropic:claude-sonnet-4-5" });
    // Fields the target sets replace the package's; the others stay.
    expect(py.validation).toEqual({ command: "pytest -q", tests: ["tests/**"], maxIterations: 2 });
    expect(py.units?.cli).toMatchObject({
      owns: ["cli.py"],
      needs: ["core"],
      modelParams: { temperature: 0 },
    });
  });

  it("is the manifest itself for a package without targets", () => {
    const manifest = manifestOf("out: gen\n");
    expect(manifestForTarget(manifest, undefined)).toBe(manifest);
  });
});

describe("selectTargets", () => {
  const manifest = manifestOf(TWO_TARGETS);

  it("is every target in manifest order by default, and the ones asked for otherwise", () => {
    expect(selectTargets(manifest, undefined)).toEqual(["ts", "py"]);
    expect(selectTargets(manifest, ["py", "py"])).toEqual(["py"]);
  });

  it("refuses an unknown target with the closest name, and --target on a package without targets", () => {
    expect(() => selectTargets(manifest, ["tss"])).toThrow("has no target 'tss'; did you mean 'ts'?");
    expect(() => selectTargets(manifestOf(""), ["ts"])).toThrow("package demo has no targets");
    expect(selectTargets(manifestOf(""), undefined)).toEqual([undefined]);
  });
});

describe("checking targets", () => {
  it("refuses targets writing to the same or nested out trees, at the later target's out", () => {
    const same = errorsOf("targets:\n  a: { out: gen }\n  b: { out: ./gen/ }\n");
    expect(same).toHaveLength(1);
    expect(same[0]).toMatchObject({ line: 7, message: "targets 'a' and 'b' both write to out: ./gen/" });
    const nested = errorsOf("targets:\n  a: { out: . }\n  b: { out: b }\n");
    expect(nested[0]?.message).toBe("the out trees of targets 'a' (.) and 'b' (b) overlap");
  });

  it("refuses a target whose owns give one output path to two units, at the target's owns", () => {
    const errors = errorsOf(
      "units:\n  a: { prompt: a.md, owns: [a.js] }\n  b: { prompt: b.md, owns: [b.js] }\ntargets:\n  py:\n    out: py\n    units: { b: { owns: [a.js] } }\n",
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      message: "target 'py': 'a.js' is owned by both 'a' and 'b'",
      path: ["targets", "py", "units", "b", "owns", 0],
      line: 11,
    });
    expect(
      errorsOf(
        "units:\n  a: { prompt: a.md, owns: [a.js] }\ntargets:\n  py: { out: py, units: { a: { owns: [a.py] } } }\n",
      ),
    ).toEqual([]);
  });

  it("refuses a target changing a unit the package does not have, and a target without out", () => {
    const unknown = errorsOf(
      "units:\n  core: { prompt: u.md, owns: [a.js] }\ntargets:\n  a: { out: a, units: { coer: { owns: [a.ts] } } }\n",
    );
    expect(unknown[0]?.message).toBe("target 'a' changes unknown unit 'coer'; did you mean 'core'?");
    const noOut = errorsOf("targets:\n  a: { guide: a.md }\n");
    expect(noOut[0]?.path).toEqual(["targets", "a", "out"]);
  });
});

describe("the lock of a package with targets", () => {
  const pkg = makePackage();
  const ts = makeLock(pkg, { main: { "src/a.ts": "1".repeat(64) } });
  const py = makeLock(pkg, { main: { "a.py": "2".repeat(64) } });
  py.build.id = "py-build";

  it("keeps one section per target and gives each back shaped like a lock without targets", () => {
    const file = withTargetLock(withTargetLock(undefined, "ts", ["ts", "py"], ts), "py", ["ts", "py"], py);
    const parsed = parseLock(serializeLock(file), "specprompt.lock");
    expect(Object.keys(parsed)).not.toContain("units");
    expect(lockView(parsed, "ts")).toEqual(ts);
    expect(lockView(parsed, "py")).toEqual(py);
    expect(lockView(parsed, "go")).toBeUndefined();
    expect(lockView(parsed, undefined)).toBeUndefined();
  });

  it("drops the sections of targets the manifest no longer has, and replaces a lock without targets", () => {
    const both = withTargetLock(withTargetLock(undefined, "ts", ["ts", "py"], ts), "py", ["ts", "py"], py);
    const after = withTargetLock(both, "py", ["py"], py);
    expect(Object.keys(after.targets)).toEqual(["py"]);
    const fromFlat = withTargetLock(ts, "py", ["ts", "py"], py);
    expect(Object.keys(fromFlat.targets)).toEqual(["py"]);
    expect(lockView(ts, "ts")).toBeUndefined();
  });

  it("reports a broken section at its path", () => {
    const file = JSON.parse(serializeLock(withTargetLock(undefined, "ts", ["ts"], ts)));
    file.targets.ts.units.main.outputs["src/a.ts"] = "not a hash";
    expect(() => parseLock(JSON.stringify(file), "specprompt.lock")).toThrow(
      /targets\.ts\.units\.main\.outputs\.src\/a\.ts/,
    );
  });
});
