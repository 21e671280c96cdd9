import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { makePackage, readLockJson, removeTempRoots, writeText } from "../support/make-package.js";
import { runCli } from "../support/run-cli.js";

afterAll(removeTempRoots);

/**
 * A scripted coding agent: checks that it got the prompt on stdin and in SPECPROMPT_PROMPT_FILE,
 * writes the unit's file, also writes outside the unit's owned paths, and counts its runs in a
 * file outside the package.
 */
const AGENT = `import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

appendFileSync(process.argv[2], "run\\n");
let prompt = "";
for await (const chunk of process.stdin) prompt += chunk;
const file = process.env.SPECPROMPT_PROMPT_FILE;
if (!file || !existsSync(file)) {
  console.error("SPECPROMPT_PROMPT_FILE is missing");
  process.exit(3);
}
if (readFileSync(file, "utf8") !== prompt) {
  console.error("stdin and SPECPROMPT_PROMPT_FILE differ");
  process.exit(4);
}
if (!prompt.includes("## Your task: unit \`a\`")) {
  console.error("the prompt does not name unit a");
  process.exit(5);
}
mkdirSync("src", { recursive: true });
writeFileSync("src/a.js", "export const a = () => 1;\\n");
writeFileSync("src/sneaky.js", "export const sneaky = true;\\n");
writeFileSync("README.md", "rewritten by the agent\\n");
`;

const A_TEST = `import assert from "node:assert/strict";
import { test } from "node:test";
import { a } from "../src/a.js";

test("a returns one", () => {
  assert.equal(a(), 1);
});
`;

describe("a cmd: coding agent", () => {
  test("writes its owned file, has its other writes discarded, and is replayed from the cache", async () => {
    const { root, dir } = await makePackage({
      units: { a: { prompt: "Write `src/a.js` exporting `a()`, which returns 1.\n", owns: ["src/a.js"] } },
      tests: { "test/a.test.js": A_TEST },
      files: { "README.md": "hand-written\n" },
    });
    const agent = join(root, "agent.mjs");
    const runs = join(root, "agent-runs.txt");
    await writeText(agent, AGENT);
    const model = `cmd:node ${agent} ${runs}`;
    const countRuns = () => (existsSync(runs) ? readFileSync(runs, "utf8").split("\n").length - 1 : 0);

    const first = await runCli(["build", "--model", model], { cwd: dir });

    expect(first.code, first.stderr).toBe(0);
    expect(countRuns()).toBe(1);
    expect(readFileSync(join(dir, "src/a.js"), "utf8")).toBe("export const a = () => 1;\n");
    expect(existsSync(join(dir, "src/sneaky.js"))).toBe(false);
    expect(readFileSync(join(dir, "README.md"), "utf8")).toBe("hand-written\n");
    expect(first.stdout).toMatch(/refused: src\/sneaky\.js/);
    expect(first.stdout).toMatch(/refused: README\.md/);
    expect(readLockJson(dir).units.a?.validation?.passed).toBe(true);
    const lockText = readFileSync(join(dir, "specprompt.lock"), "utf8");

    const unchanged = await runCli(["build", "--model", model], { cwd: dir });

    expect(unchanged.code, unchanged.stderr).toBe(0);
    expect(countRuns()).toBe(1);

    rmSync(join(dir, "src/a.js"));
    const replay = await runCli(["build", "--model", model], { cwd: dir });

    expect(replay.code, replay.stderr).toBe(0);
    expect(readFileSync(join(dir, "src/a.js"), "utf8")).toBe("export const a = () => 1;\n");
    expect(countRuns()).toBe(1);
    expect(readFileSync(join(dir, "specprompt.lock"), "utf8")).toBe(lockText);
  });
});
