import { describe, expect, test } from "vitest";
import { addEntry, parseChangelog } from "./changelog.js";
import { lockOutputs } from "./checkout-version.js";
import { diffSections } from "./markdown-sections.js";
import { nextVersion } from "./semver.js";
import { setManifestVersion } from "./set-version.js";
import { layerFiles } from "./source-files.js";

describe("nextVersion", () => {
  test("bumps, accepts a greater explicit version, refuses the rest", () => {
    expect(nextVersion("1.2.3", "patch")).toBe("1.2.4");
    expect(nextVersion("1.2.3", "minor")).toBe("1.3.0");
    expect(nextVersion("1.2.3", "major")).toBe("2.0.0");
    expect(nextVersion("1.0.0-rc.1", "patch")).toBe("1.0.0");
    expect(nextVersion("1.2.3", "1.10.0")).toBe("1.10.0");
    expect(() => nextVersion("1.2.3", "1.2.3")).toThrow(/does not come after/);
    expect(() => nextVersion("1.2.3", "1.1.9")).toThrow(/does not come after/);
    expect(() => nextVersion("1.2.3", "bigger")).toThrow(/invalid version bump/);
  });
});

describe("setManifestVersion", () => {
  test("replaces only the version scalar, keeping comments and quotes", () => {
    const text = '# top\nname: x # the name\nversion: "0.1.0"   # bump me\nunits:\n  a: { version: 1 }\n';
    expect(setManifestVersion(text, "0.2.0", "specprompt.yaml")).toBe(
      '# top\nname: x # the name\nversion: "0.2.0"   # bump me\nunits:\n  a: { version: 1 }\n',
    );
  });
});

describe("diffSections", () => {
  test("names added, removed and changed ## and ### titles, ignoring headings in code fences", () => {
    const before = "# T\n## A\none\n### B\ntwo\n## C\nthree\n```\n## Not\n```\n";
    const after = "# T\n## A\none\n### B\nTWO\n## D\nfour\n";
    expect(diffSections(before, after)).toEqual({ added: ["D"], removed: ["C"], changed: ["B"] });
  });
});

describe("changelog", () => {
  test("adds entries newest first under the header and parses them back", () => {
    const first = { version: "0.1.0", date: "2025-01-01", why: "Start.", changes: [] };
    const second = {
      version: "0.2.0",
      date: "2025-02-01",
      why: "Two lines\nof why.",
      since: "0.1.0",
      changes: [
        {
          path: "core.md",
          status: "changed" as const,
          sections: { added: ['Say "hi"'], removed: [], changed: ["B"] },
        },
        { path: "context/x.md", status: "added" as const },
      ],
    };
    const text = addEntry(addEntry(undefined, first), second);
    expect(text.startsWith("# Changelog\n\n## 0.2.0 — 2025-02-01\n")).toBe(true);
    expect(parseChangelog(text)).toEqual([second, first]);
  });
});

describe("layerFiles", () => {
  test("lists named layers and what the globs match, tests relative to out", () => {
    const manifest = {
      core: "core.md",
      guide: "./guide.md",
      context: ["context/**/*.md"],
      out: "app",
      validation: { criteria: "acceptance.md", tests: ["test/**"] },
      units: { a: { prompt: "units/a.md" } },
    };
    const files = [
      "core.md",
      "guide.md",
      "context/api.md",
      "context/x.txt",
      "app/test/a.test.js",
      "app/src/a.js",
      "test/other.js",
    ];
    expect(layerFiles(manifest, files)).toEqual([
      "acceptance.md",
      "app/test/a.test.js",
      "context/api.md",
      "core.md",
      "guide.md",
      "units/a.md",
    ]);
  });
});

describe("lockOutputs (what checkout may remove)", () => {
  const hash = "a".repeat(64);
  test("maps outputs to package paths through out, per target, and never out of the package", () => {
    const flat = JSON.stringify({
      units: { u: { outputs: { "src/a.js": hash, "../../etc/passwd": hash } } },
    });
    expect([...lockOutputs(flat, { out: "gen" })]).toEqual([["gen/src/a.js", hash]]);
    const targets = JSON.stringify({
      targets: {
        esm: { units: { u: { outputs: { "a.js": hash } } } },
        gone: { units: { u: { outputs: { "b.js": hash } } } },
      },
    });
    expect([...lockOutputs(targets, { targets: { esm: { out: "esm" } } })]).toEqual([["esm/a.js", hash]]);
    expect([...lockOutputs("not json", {})]).toEqual([]);
  });
});
