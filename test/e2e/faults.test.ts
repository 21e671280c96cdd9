import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { chainFiles, chainPackage } from "../support/chain-package.js";
import type { FakeModelServer, FakeReply } from "../support/fake-model-server.mjs";
import { makePackage, removeTempRoots, snapshotTree } from "../support/make-package.js";
import { type ModelWriter, startModelWriter } from "../support/model-writer.js";
import { type CliResult, runCli } from "../support/run-cli.js";

afterAll(removeTempRoots);

interface Faulted {
  result: CliResult;
  server: FakeModelServer;
  writer: ModelWriter;
  /** The package (output and lock) as it was just before the faulty build. */
  before: Record<string, string>;
  after: Record<string, string>;
}

/**
 * A good build, then a changed prompt (unit c must regenerate), then a build whose first request
 * meets `faults` before the well-behaved writer answers.
 */
async function buildWithFault(
  faults: FakeReply[],
  args: string[] = [],
  env: Record<string, string | undefined> = {},
): Promise<Faulted> {
  const { server, writer, env: modelEnv } = await startModelWriter({ files: chainFiles() });
  const { dir } = await makePackage(chainPackage());
  const first = await runCli(["build"], { cwd: dir, env: modelEnv });
  expect(first.code, first.stderr).toBe(0);
  writeFileSync(
    join(dir, "units/c.md"),
    "Write `src/c.js` exporting `c()`, which returns b() + 1. Be terse.\n",
  );
  const before = snapshotTree(dir);
  server.requests.length = 0;
  writer.asked.length = 0;
  server.enqueue(...faults);

  const result = await runCli(["build", ...args], { cwd: dir, env: { ...modelEnv, ...env } });

  return { result, server, writer, before, after: snapshotTree(dir) };
}

function expectNoStackTrace(result: CliResult): void {
  expect(result.stderr).not.toMatch(/internal error/);
  expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

describe("model faults through the CLI", () => {
  test("a 429 with retry-after: 0 is retried at once and the build succeeds", async () => {
    const { result, server, writer } = await buildWithFault([
      { status: 429, headers: { "retry-after": "0" } },
    ]);

    expect(result.code, result.stderr).toBe(0);
    expect(writer.asked).toEqual(["c"]);
    // The rejected attempt, the retried request for the files, the tool-result follow-up.
    expect(server.requests).toHaveLength(3);
    expect(result.stderr).toMatch(/HTTP 429.*retrying/);
  });

  test("a 429 without headers is retried after a jittered delay and the build succeeds", async () => {
    const { result, server } = await buildWithFault([{ status: 429 }], ["--retries", "2"]);

    expect(result.code, result.stderr).toBe(0);
    expect(server.requests).toHaveLength(3);
    expect(result.stderr).toMatch(/retrying in \d+ms \(attempt 2\)/);
  });

  test("a 500 is retried and the build succeeds", async () => {
    const { result, server, writer } = await buildWithFault([{ status: 500 }]);

    expect(result.code, result.stderr).toBe(0);
    expect(writer.asked).toEqual(["c"]);
    expect(server.requests).toHaveLength(3);
  });

  test("a server that never answers fails the build after --timeout, naming the provider, and changes nothing", async () => {
    const { result, server, before, after } = await buildWithFault(
      [{ hang: true }],
      ["--timeout", "1", "--retries", "0"],
    );

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/openai:gpt-test did not answer within 1000 ms/);
    expectNoStackTrace(result);
    expect(server.requests).toHaveLength(1);
    expect(after).toEqual(before);
  });

  test("a garbage response body fails the build clearly and changes nothing", async () => {
    const { result, before, after } = await buildWithFault(
      [{ rawBody: "<html>502 Bad Gateway</html>" }],
      ["--retries", "0"],
    );

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/openai:gpt-test returned a malformed response/);
    expectNoStackTrace(result);
    expect(after).toEqual(before);
  });

  test("a missing OPENAI_API_KEY without a base URL exits 2 with one line naming it and changes nothing", async () => {
    const { result, server, before, after } = await buildWithFault([], [], {
      OPENAI_API_KEY: undefined,
      OPENAI_BASE_URL: undefined,
    });

    expect(result.code).toBe(2);
    expect(result.stderr.split("\n").filter((line) => line.includes("OPENAI_API_KEY"))).toHaveLength(1);
    expectNoStackTrace(result);
    expect(server.requests).toHaveLength(0);
    expect(after).toEqual(before);
  });

  test("a retried request that keeps failing leaves the previous output and lock untouched", async () => {
    const { result, server, before, after } = await buildWithFault(
      [
        { status: 503, headers: { "retry-after": "0" } },
        { status: 503, headers: { "retry-after": "0" } },
      ],
      ["--retries", "1"],
    );

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/openai:gpt-test failed with HTTP 503 after 2 attempts/);
    expectNoStackTrace(result);
    expect(server.requests).toHaveLength(2);
    expect(after).toEqual(before);
  });
});
