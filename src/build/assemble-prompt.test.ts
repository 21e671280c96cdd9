import { describe, expect, it } from "vitest";
import { assemblePrompt, fileBlock, type NeededFile } from "./assemble-prompt.js";
import { makeLayer, makePackage, makeUnit } from "./make-test-package.js";

function fullPackage() {
  const unit = makeUnit("stats", {
    owns: ["src/stats.js", "src/stats/**"],
    needs: ["tokenize"],
    prompt: makeLayer("unit", "units/stats.md", "Count the tokens per line.\n"),
  });
  const pkg = makePackage({
    core: makeLayer("core", "core.md", "\nTextstats counts words.\n\n"),
    guide: makeLayer("guide", "guide.md", "Use Node ESM, no dependencies."),
    criteria: makeLayer("criteria", "acceptance.md", "Empty input gives zero."),
    context: [
      makeLayer("context", "context/api.md", "GET /stats returns JSON."),
      makeLayer("context", "context/rules.md", "Words are split on whitespace."),
    ],
    tests: [makeLayer("test", "test/stats.test.js", "assert.equal(stats(''), 0);\n")],
    validation: { command: "node --test", timeoutMs: 600_000, maxIterations: 3, env: [] },
    units: [makeUnit("tokenize"), unit],
  });
  return { pkg, unit };
}

const needed: NeededFile[] = [
  { unit: "tokenize", path: "src/tokenize.js", content: "export const tokenize = (s) => s.split(/\\s+/);\n" },
];

describe("assemblePrompt", () => {
  it("contains every layer, the validation tests, the needed files and the unit's task", () => {
    const { pkg, unit } = fullPackage();
    const { user } = assemblePrompt(pkg, unit, needed);
    for (const text of [
      "# Package demo@0.1.0",
      "## Core prompt (core.md)\n\nTextstats counts words.",
      "### context/api.md\n\nGET /stats returns JSON.",
      "### context/rules.md\n\nWords are split on whitespace.",
      "## Generation guide (guide.md)\n\nUse Node ESM, no dependencies.",
      "## Acceptance criteria (acceptance.md)\n\nEmpty input gives zero.",
      "check the output with `node --test`",
      "### test/stats.test.js\n\n```\nassert.equal(stats(''), 0);\n```",
      "### src/tokenize.js (unit tokenize)\n\n```\nexport const tokenize",
      "## Your task: unit `stats`",
      "Owned paths (relative to the output root): `src/stats.js`, `src/stats/**`",
      "Count the tokens per line.",
    ]) {
      expect(user).toContain(text);
    }
    expect(user.endsWith("\n")).toBe(true);
  });

  it("puts the sections in a fixed order: package, layers, tests, needed files, task", () => {
    const { pkg, unit } = fullPackage();
    const { user } = assemblePrompt(pkg, unit, needed);
    const order = [
      "# Package",
      "## Core prompt",
      "## Context documents",
      "## Generation guide",
      "## Acceptance criteria",
      "## Validation tests",
      "## Current files of the units this one needs",
      "## Your task",
    ].map((heading) => user.indexOf(heading));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it("leaves out the sections a package does not have", () => {
    const unit = makeUnit("main", { prompt: undefined, owns: ["**"] });
    const { user } = assemblePrompt(makePackage({ units: [unit] }), unit, []);
    expect(user).not.toContain("## Context documents");
    expect(user).not.toContain("## Generation guide");
    expect(user).not.toContain("## Validation tests");
    expect(user).not.toContain("## Current files");
    expect(user).toContain("Generate the whole program the package describes.");
  });

  it("tells a chat model to call write_file and an agent to edit its working directory", () => {
    const { pkg, unit } = fullPackage();
    const chat = assemblePrompt(pkg, unit, needed, "chat");
    const agent = assemblePrompt(pkg, unit, needed, "agent");
    expect(chat.system).toContain("calling the write_file tool");
    expect(chat.user).toContain("Write every file of this unit now with write_file.");
    expect(agent.system).toContain("Your working directory is a copy of the output tree.");
    expect(agent.system).not.toContain("write_file");
    expect(agent.user).toContain("Create or update every file of this unit now, then exit.");
    expect(agent.user).not.toContain("write_file");
  });

  it("gives the identical text for the same inputs", () => {
    const first = assemblePrompt(fullPackage().pkg, fullPackage().unit, needed);
    const again = assemblePrompt(fullPackage().pkg, fullPackage().unit, structuredClone(needed));
    expect(again).toEqual(first);
  });
});

describe("fileBlock", () => {
  it("fences with three backticks when the content has none", () => {
    expect(fileBlock("a.txt", "plain")).toBe("### a.txt\n\n```\nplain\n```");
  });

  it.each([
    ["a Markdown fence", "Example:\n```js\nx\n```\n", 4],
    ["a longer fence", "````\nnested\n````", 5],
    ["a trailing run without newline", "ends with ``````", 7],
  ])("uses a fence longer than %s inside the content", (_, content, length) => {
    const block = fileBlock("README.md", content);
    const fence = "`".repeat(length);
    expect(block.startsWith(`### README.md\n\n${fence}\n`)).toBe(true);
    expect(block.endsWith(`\n${fence}`)).toBe(true);
    expect(block).not.toContain("`".repeat(length + 1));
  });
});
