import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand } from "../util/run-command.js";
import { extractFailures } from "./failures.js";

/**
 * The parsers against output the runners write today, on this Node: the fixtures are one captured
 * moment, these catch a runner that changed its format.
 */

const VITEST = fileURLToPath(new URL("../../node_modules/vitest/vitest.mjs", import.meta.url));
const node = JSON.stringify(process.execPath);

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "specprompt-live-"));
  const files: Record<string, string> = {
    "package.json": '{ "type": "module" }\n',
    "src/stats.js":
      'export const count = (text) => text.split(" ").length + 1;\nexport function explode() {\n  throw new TypeError("no words");\n}\n',
    "test/stats.test.js": [
      'import assert from "node:assert/strict";',
      'import { describe, test } from "node:test";',
      'import { count, explode } from "../src/stats.js";',
      'describe("count", () => {',
      '  test("AC-2: counts two words", () => assert.equal(count("a b"), 2));',
      '  test("passes", () => assert.ok(true));',
      "});",
      'test("AC-3: explode is safe", () => explode());',
      "",
    ].join("\n"),
    "vitest/stats.test.js": [
      'import { describe, expect, test } from "vitest";',
      'import { count, explode } from "../src/stats.js";',
      'describe("count", () => {',
      '  test("AC-2: counts two words", () => expect(count("a b")).toBe(2));',
      '  test("passes", () => expect(1).toBe(1));',
      "});",
      'test("AC-3: explode is safe", () => explode());',
      "",
    ].join("\n"),
    "vitest.config.js": 'export default { test: { include: ["vitest/**/*.test.js"] } };\n',
  };
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, ".."), { recursive: true });
    await writeFile(join(root, path), content);
  }
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function run(command: string): Promise<string> {
  const result = await runCommand({
    command,
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    timeoutMs: 30_000,
  });
  expect(result.exitCode, result.output).toBe(1);
  return result.output;
}

describe("failures read from real runs", () => {
  it.each(["tap", "spec"])("node --test with the %s reporter", async (reporter) => {
    const report = extractFailures(
      await run(`${node} --test --test-reporter=${reporter} test/stats.test.js`),
      [root],
    );
    expect(report.counts).toEqual({ passed: 1, failed: 2 });
    expect(report.failures.map((failure) => failure.file)).toEqual([
      "test/stats.test.js",
      "test/stats.test.js",
    ]);
    expect(report.failures[0]!.name).toMatch(/AC-2: counts two words$/);
    expect(report.failures[0]!.message).toContain("3 !== 2");
    expect(report.failures[1]!.message).toContain("no words");
    expect(report.failures[1]!.frames.slice(0, 2)).toEqual(["src/stats.js:3:9", "test/stats.test.js:8:37"]);
  });

  it("vitest run", { timeout: 30_000 }, async () => {
    const report = extractFailures(await run(`${node} ${JSON.stringify(VITEST)} run`), [root]);
    expect(report.format).toBe("vitest");
    expect(report.counts).toEqual({ passed: 1, failed: 2 });
    expect(report.failures.map((failure) => failure.name)).toEqual([
      "vitest/stats.test.js > count > AC-2: counts two words",
      "vitest/stats.test.js > AC-3: explode is safe",
    ]);
    expect(report.failures[0]!.message).toContain("expected 3 to be 2");
    expect(report.failures[1]!.frames[0]).toBe("src/stats.js:3:9");
  });
});
