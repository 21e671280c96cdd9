import { describe, expect, it } from "vitest";
import { assembleRefinement, type RefinementInput } from "./assemble-refinement.js";
import { makeLayer } from "./make-test-package.js";

const input: RefinementInput = {
  unit: "stats",
  attempt: 1,
  maxIterations: 3,
  command: "node --test",
  failures: "`node --test` failed (exit code 1): 1 of 4 tests failed.\n\n1. AC-2: counts words\n   3 !== 2\n",
  criteria: makeLayer("criteria", "acceptance.md", "- AC-2: counts words\n"),
  files: [
    { unit: "stats", path: "src/stats.js", content: "export const count = () => 3;\n" },
    { unit: "tokenize", path: "src/tokenize.js", content: "export const tokenize = (s) => s.split(' ');\n" },
  ],
  others: ["tokenize"],
  mode: "chat",
};

describe("assembleRefinement", () => {
  it("says what failed, restates the criteria, shows the current files and asks for fixes through write_file", () => {
    const text = assembleRefinement(input);
    expect(text.startsWith("## Validation failed (attempt 1 of 3)\n\n")).toBe(true);
    expect(text).toContain(
      "1. AC-2: counts words\n   3 !== 2\n\n## Acceptance criteria (acceptance.md)\n\n- AC-2: counts words",
    );
    expect(text).toContain("### src/stats.js (unit stats, yours)\n\n```\nexport const count = () => 3;\n```");
    expect(text).toContain("### src/tokenize.js (unit tokenize)\n");
    expect(text).toContain("## Your fix: unit `stats`");
    expect(text).toContain("Call write_file with the complete new content of every file you change");
    expect(text).toContain(
      "Unit tokenize is sent the same report at the same time; change only your own files.",
    );
  });

  it("tells an agent to edit the working directory instead", () => {
    const text = assembleRefinement({ ...input, mode: "agent", others: [], criteria: undefined });
    expect(text).not.toContain("write_file");
    expect(text).not.toContain("## Acceptance criteria");
    expect(text).not.toContain("sent the same report");
    expect(text).toContain("the working directory holds the current files");
  });

  it("restates imported criteria after the package's own, each under its @alias path", () => {
    const text = assembleRefinement({
      ...input,
      importedCriteria: [makeLayer("criteria", "@testing/criteria.md", "- QA-1: every module has a test\n")],
    });
    expect(text).toContain(
      "## Acceptance criteria (acceptance.md)\n\n- AC-2: counts words\n\n## Acceptance criteria (@testing/criteria.md)\n\n- QA-1: every module has a test",
    );
  });
});
