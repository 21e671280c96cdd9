import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { chainFiles, chainPackage } from "../support/chain-package.js";
import { makePackage, readLockJson, removeTempRoots } from "../support/make-package.js";
import { startModelWriter } from "../support/model-writer.js";
import { type RunningCli, startCli } from "../support/run-cli.js";

afterAll(removeTempRoots);

/** Resolves once `read()` satisfies `ready`, polling; fails the test after `ms`. */
async function waitFor<T>(read: () => T, ready: (value: T) => boolean, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = read();
    if (ready(value)) return value;
    if (Date.now() > until) throw new Error(`timed out waiting; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function collect(running: RunningCli): { stdout: () => string; stderr: () => string } {
  let stdout = "";
  let stderr = "";
  running.child.stdout?.on("data", (chunk) => (stdout += chunk));
  running.child.stderr?.on("data", (chunk) => (stderr += chunk));
  return { stdout: () => stdout, stderr: () => stderr };
}

describe("build --watch", () => {
  test("rebuilds only the edited unit on save, survives a broken manifest, and stops on Ctrl-C", async () => {
    const { server, env } = await startModelWriter({ files: chainFiles() });
    const { dir } = await makePackage(chainPackage());
    const running = startCli(["build", "--watch", "--json"], { cwd: dir, env });
    const output = collect(running);
    const builds = () =>
      output
        .stdout()
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as { status: string; units: { unit: string }[] });

    const [first] = await waitFor(builds, (list) => list.length === 1);
    expect(first!.status).toBe("built");
    await waitFor(output.stderr, (text) => text.includes("watching"));
    const requestsAfterFirst = server.requests.length;

    const prompt = join(dir, "units", "c.md");
    writeFileSync(prompt, `${readFileSync(prompt, "utf8")}Add a JSDoc comment.\n`);
    const second = (await waitFor(builds, (list) => list.length === 2))[1]!;
    expect(second.status).toBe("built");
    expect(second.units.map((unit) => unit.unit)).toEqual(["c"]);
    expect(server.requests.length).toBeGreaterThan(requestsAfterFirst);
    const lock = readLockJson(dir);

    // A broken manifest is reported and the watch goes on; output and lock are untouched.
    const manifest = join(dir, "specprompt.yaml");
    const good = readFileSync(manifest, "utf8");
    writeFileSync(manifest, `${good}\nunknownKey: 1\n`);
    await waitFor(output.stderr, (text) => /unknownKey/.test(text));
    expect(readLockJson(dir)).toEqual(lock);
    writeFileSync(manifest, good);

    running.child.kill("SIGINT");
    const done = await running.done;
    expect(done.code).toBe(0);
    expect(builds().filter((build) => build.status === "built")).toHaveLength(2);
  });
});
