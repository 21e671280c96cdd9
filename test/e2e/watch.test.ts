import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { chainFiles, chainPackage } from "../support/chain-package.js";
import {
  makePackage,
  manifestText,
  readLockJson,
  removeTempRoots,
  writeText,
} from "../support/make-package.js";
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

/** The builds a `build --watch --json` printed so far, one JSON document per line. */
function printedBuilds(output: { stdout: () => string }): { status: string; units: { unit: string }[] }[] {
  return output
    .stdout()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { status: string; units: { unit: string }[] });
}

describe("build --watch", () => {
  test("rebuilds only the edited unit on save, survives a broken manifest, and stops on Ctrl-C", async () => {
    const { server, env } = await startModelWriter({ files: chainFiles() });
    const { dir } = await makePackage(chainPackage());
    const running = startCli(["build", "--watch", "--json"], { cwd: dir, env });
    const output = collect(running);
    const builds = () => printedBuilds(output);

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

  test("rebuilds when a library imported by path changes, following imports the manifest adds and drops", async () => {
    const { server, env } = await startModelWriter({ files: chainFiles() });
    const library = (name: string, rule: string) => ({
      "specprompt.yaml": `name: ${name}\nversion: 1.0.0\nkind: library\nguide: guide.md\n`,
      "guide.md": `## ${name}\n\n${rule}\n`,
    });
    const withImports = (imports: Record<string, { path: string }>) =>
      chainPackage({ manifest: { imports } });
    const { root, dir } = await makePackage(withImports({ style: { path: "../libs/style" } }));
    for (const [path, text] of Object.entries(library("style", "One export per module.")))
      await writeText(join(root, "libs/style", path), text);
    const running = startCli(["build", "--watch", "--json"], { cwd: dir, env });
    const output = collect(running);
    const builds = () => printedBuilds(output);
    const lastSent = () => JSON.stringify(server.requests.at(-1)?.body);

    await waitFor(output.stderr, (text) => text.includes("and ../libs/style (imported by path) for changes"));
    expect(builds()[0]?.status).toBe("built");

    // An edit in the library, outside the package folder, rebuilds every unit (each imports it).
    writeFileSync(join(root, "libs/style/guide.md"), "## style\n\nOne default export per module.\n");
    const second = (await waitFor(builds, (list) => list.length === 2))[1]!;
    expect(second.status).toBe("built");
    expect(second.units.map((unit) => unit.unit)).toEqual(["a", "b", "c"]);
    expect(lastSent()).toContain("One default export per module.");

    // The manifest swaps style for a library that does not exist yet: the build fails, style is no
    // longer watched, and the new library's folder is waited for.
    writeFileSync(
      join(dir, "specprompt.yaml"),
      manifestText(withImports({ extra: { path: "../libs/extra" } })),
    );
    await waitFor(output.stderr, (text) => text.includes("import extra: ../libs/extra does not exist"));
    await waitFor(output.stderr, (text) => text.includes("no longer watching ../libs/style"));

    // It appears (moved into place whole, as a checkout or copy would): the next build takes it, and
    // from then on its own files are watched.
    const staging = join(root, "staging-extra");
    for (const [path, text] of Object.entries(library("extra", "Name files for what they export.")))
      await writeText(join(staging, path), text);
    renameSync(staging, join(root, "libs/extra"));
    const third = (await waitFor(builds, (list) => list.length === 3))[2]!;
    expect(third.status).toBe("built");
    expect(lastSent()).toContain("Name files for what they export.");
    await waitFor(output.stderr, (text) => text.includes("watching ../libs/extra too (imported by path)"));

    writeFileSync(join(root, "libs/extra/guide.md"), "## extra\n\nOne folder per feature.\n");
    const fourth = (await waitFor(builds, (list) => list.length === 4))[3]!;
    expect(fourth.status).toBe("built");
    expect(lastSent()).toContain("One folder per feature.");

    running.child.kill("SIGINT");
    expect((await running.done).code).toBe(0);
  });
});
