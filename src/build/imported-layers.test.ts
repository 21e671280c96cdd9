import { describe, expect, it } from "vitest";
import { lockSchema } from "../lock/lock-schema.js";
import { describeImportPins, importsPinned, lockImports } from "../package/imports/imported-files.js";
import type { PackageImports, ResolvedImport } from "../package/imports/types.js";
import type { Layer, LoadedPackage } from "../package/types.js";
import { sha256 } from "../util/hash.js";
import { assemblePrompt } from "./assemble-prompt.js";
import { composeLock } from "./compose-lock.js";
import { checkCriteriaCoverage } from "./criteria-coverage.js";
import { makeLayer, makeLock, makePackage, makeUnit } from "./make-test-package.js";
import { planBuild } from "./plan-build.js";
import { computeUnitInputs, describeInputChanges } from "./unit-inputs.js";

/** An import as resolveImports gives it; `hash` derived from its files so a changed file changes it. */
function imported(alias: string, layers: Layer[], extra: Partial<ResolvedImport> = {}): ResolvedImport {
  const prefix = `@${alias.split("/").join("/@")}/`;
  const files = Object.fromEntries(layers.map((layer) => [layer.path.slice(prefix.length), layer.hash]));
  return {
    alias,
    source: `../libs/${alias}`,
    name: alias.replace(/.*\//, ""),
    version: "1.0.0",
    dir: `/libs/${alias}`,
    manifestPath: `/libs/${alias}/specprompt.yaml`,
    use: ["guide", "context", "criteria"],
    guide: layers.find((layer) => layer.kind === "guide"),
    context: layers.filter((layer) => layer.kind === "context"),
    criteria: layers.find((layer) => layer.kind === "criteria"),
    contextGlobs: [],
    files,
    hash: sha256(JSON.stringify(files)),
    ...extra,
  };
}

function importsOf(all: ResolvedImport[]): PackageImports {
  const hashes: Record<string, string> = {};
  for (const entry of all) {
    if (!entry.alias.includes("/"))
      hashes[entry.alias] = sha256(
        all
          .filter((e) => e.alias.startsWith(entry.alias))
          .map((e) => e.hash)
          .join(),
      );
  }
  return {
    all,
    hashes,
    guide: all.flatMap((entry) => (entry.guide ? [entry.guide] : [])),
    context: all.flatMap((entry) => entry.context),
    criteria: all.flatMap((entry) => (entry.criteria ? [entry.criteria] : [])),
    partials: {},
  };
}

const styleGuide = (text = "Prefer const.") => makeLayer("guide", "@style/guide.md", text);

function library(styleText?: string, nested: ResolvedImport[] = []): ResolvedImport[] {
  return [
    imported("style", [styleGuide(styleText)]),
    ...nested,
    imported("testing", [
      makeLayer("context", "@testing/context/naming.md", "Name tests after criteria."),
      makeLayer("criteria", "@testing/criteria.md", "- TEST-1: every module has a test."),
    ]),
  ];
}

function withImports(all: ResolvedImport[] = library()): LoadedPackage {
  return makePackage({
    guide: makeLayer("guide", "guide.md", "Node ESM."),
    criteria: makeLayer("criteria", "acceptance.md", "- AC-1: it counts."),
    context: [makeLayer("context", "context/api.md", "GET /stats.")],
    imports: importsOf(all),
  });
}

describe("imported layers in the prompt", () => {
  it("follow the package's own in the section of their kind, named @alias/path", () => {
    const pkg = withImports();
    const { user } = assemblePrompt(pkg, pkg.units[0]!, []);
    const order = [
      "## Context documents",
      "### context/api.md\n\nGET /stats.",
      "### @testing/context/naming.md\n\nName tests after criteria.",
      "## Generation guide (guide.md)\n\nNode ESM.",
      "## Generation guide (@style/guide.md)\n\nPrefer const.",
      "## Acceptance criteria (acceptance.md)\n\n- AC-1: it counts.",
      "## Acceptance criteria (@testing/criteria.md)\n\n- TEST-1: every module has a test.",
      "## Your task: unit `main`",
    ].map((text) => user.indexOf(text));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it("opens a context section for imported documents when the package has none of its own", () => {
    const pkg = makePackage({ imports: importsOf(library()) });
    const { user } = assemblePrompt(pkg, pkg.units[0]!, []);
    expect(user).toContain(
      "## Context documents\n\n### @testing/context/naming.md\n\nName tests after criteria.",
    );
  });
});

describe("imports as unit inputs", () => {
  it("are absent from the inputs of a package without imports, so its hashes stay as they were", () => {
    const { inputs } = computeUnitInputs(makePackage(), makeUnit("main"), {});
    expect(inputs).not.toHaveProperty("imports");
  });

  it("record each direct import's hash, and a changed library changes the unit's hash", () => {
    const pkg = withImports();
    const before = computeUnitInputs(pkg, pkg.units[0]!, {});
    expect(Object.keys(before.inputs.imports ?? {})).toEqual(["style", "testing"]);
    const edited = withImports(library("Prefer let."));
    const after = computeUnitInputs(edited, edited.units[0]!, {});
    expect(after.inputHash).not.toBe(before.inputHash);
    expect(describeInputChanges(before.inputs, after.inputs)).toEqual(["import style changed"]);
  });

  it("name imports added and removed", () => {
    const base = computeUnitInputs(withImports(), makeUnit("main"), {}).inputs;
    const more = { ...base, imports: { ...base.imports, extra: sha256("x") } };
    const { testing: _, ...fewer } = base.imports!;
    expect(describeInputChanges(base, more)).toEqual(["import extra added"]);
    expect(describeInputChanges(base, { ...base, imports: fewer })).toEqual(["import testing removed"]);
    const { imports: __, ...none } = base;
    expect(describeInputChanges(none, base)).toEqual(["import style added", "import testing added"]);
  });
});

describe("plan with imports", () => {
  it("names the library files that changed since the lock pinned them", () => {
    const built = withImports(
      library("Prefer const.", [
        imported("style/base", [makeLayer("guide", "@style/@base/guide.md", "Be terse.")]),
      ]),
    );
    const lock = { ...makeLock(built), imports: lockImports(built.imports!) };
    const edited = withImports(
      library("Prefer let.", [
        imported("style/base", [
          makeLayer("guide", "@style/@base/guide.md", "Be terse."),
          makeLayer("context", "@style/@base/context/more.md", "More."),
        ]),
      ]),
    );
    const plan = planBuild(edited, lock);
    expect(plan.units[0]).toMatchObject({
      action: "generate",
      reasons: ["import style changed: guide.md, @base/context/more.md added"],
    });
  });

  it("keeps every unit when the libraries are as the lock pinned them", () => {
    const pkg = withImports();
    const lock = { ...makeLock(pkg), imports: lockImports(pkg.imports!) };
    expect(planBuild(pkg, lock).units.map((unit) => unit.action)).toEqual(["keep"]);
  });
});

/** The lock of a package's first build. */
function firstLock(pkg: LoadedPackage) {
  return composeLock({
    pkg,
    previous: undefined,
    updated: new Map([["main", makeLock(pkg).units.main!]]),
    buildId: "b",
    time: "t",
    tokens: { input: 0, output: 0 },
    cost: undefined,
    validation: undefined,
  });
}

describe("imports in the lock", () => {
  it("pins every library, nested ones too, with origin, package and files, and the lock schema accepts it", () => {
    const pkg = withImports(
      library(undefined, [
        imported("style/base", [makeLayer("guide", "@style/@base/guide.md", "Be terse.")], {
          source: "https://example.com/libs.git",
          ref: "v1.0.0",
          commit: "a".repeat(40),
          path: "libs/base",
        }),
      ]),
    );
    const lock = firstLock(pkg);
    expect(Object.keys(lock.imports ?? {})).toEqual(["style", "style/base", "testing"]);
    expect(lock.imports?.["style/base"]).toEqual({
      source: "https://example.com/libs.git",
      ref: "v1.0.0",
      commit: "a".repeat(40),
      path: "libs/base",
      name: "base",
      version: "1.0.0",
      hash: pkg.imports!.all[1]!.hash,
      files: { "guide.md": sha256("Be terse.") },
    });
    expect(lockSchema.safeParse(JSON.parse(JSON.stringify(lock))).success).toBe(true);
  });

  it("writes no imports key for a package without imports", () => {
    const pkg = makePackage();
    const lock = firstLock(pkg);
    expect(lock).not.toHaveProperty("imports");
  });

  it("counts a moved commit as not pinned even when the content is the same", () => {
    const pkg = withImports([
      imported("style", [styleGuide()], { source: "u", ref: "v2", commit: "b".repeat(40) }),
    ]);
    const pinned = lockImports(
      withImports([imported("style", [styleGuide()], { source: "u", ref: "v1", commit: "a".repeat(40) })])
        .imports!,
    );
    expect(importsPinned(pinned, pkg.imports)).toBe(false);
    expect(importsPinned(lockImports(pkg.imports!), pkg.imports)).toBe(true);
    expect(importsPinned(undefined, undefined)).toBe(true);
    expect(describeImportPins(pinned, pkg.imports)).toEqual([
      `import style: ref v1 → v2, commit ${"a".repeat(40)} → ${"b".repeat(40)}`,
    ]);
    expect(describeImportPins({ ...pinned, gone: pinned.style! }, undefined)).toEqual([
      "import style: no longer imported",
      "import gone: no longer imported",
    ]);
  });
});

describe("criteria coverage with imported criteria", () => {
  it("traces the library's criteria to the package's tests and names the file of each uncovered one", () => {
    const pkg = withImports();
    pkg.criteria = makeLayer("criteria", "acceptance.md", "- AC-1: greets.\n- AC-2: waves.\n");
    pkg.tests = [
      makeLayer("test", "test/a.test.js", 'test("AC-1 greets", () => {});\ntest("TEST-1 x", () => {});\n'),
    ];
    const report = checkCriteriaCoverage(pkg)!;
    expect(report.total).toBe(3);
    expect(Object.keys(report.covered).sort()).toEqual(["AC-1", "TEST-1"]);
    expect(report.uncovered).toEqual([{ id: "AC-2", title: "waves.", line: 2, file: "acceptance.md" }]);

    pkg.tests = [];
    expect(checkCriteriaCoverage(pkg)!.uncovered.map((criterion) => criterion.file)).toEqual([
      "acceptance.md",
      "acceptance.md",
      "@testing/criteria.md",
    ]);
  });
});
