import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { createTempRoot, readLockJson, removeTempRoots, writeText } from "../support/make-package.js";
import { startModelWriter } from "../support/model-writer.js";
import { type CliResult, parseJsonOutput, runCli } from "../support/run-cli.js";

afterAll(removeTempRoots);

const SLUGIFY = `// SPDX-License-Identifier: MIT

/** Turn a title into a URL slug: lowercase ASCII words joined by single hyphens. */
export function slugify(text) {
  return text
    .normalize("NFKD")
    .replace(/[\\u0300-\\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
`;

function expectOneCleanError(result: CliResult): void {
  expect(result.code).toBe(2);
  expect(result.stderr).not.toMatch(/internal error/);
  expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

/** A package folder whose manifest is `manifest`, with the layers it names. */
async function packageWithManifest(manifest: string): Promise<string> {
  const dir = join(await createTempRoot(), "pkg");
  await writeText(join(dir, "specprompt.yaml"), manifest);
  await writeText(join(dir, "core.md"), "# bad\n");
  await writeText(join(dir, "units/a.md"), "Write a.\n");
  return dir;
}

describe("specprompt init", () => {
  test("creates a package that builds and passes its own test once the model writes slugify", async () => {
    const root = await createTempRoot();
    const { env } = await startModelWriter({ files: { slugify: { "src/slugify.js": SLUGIFY } } });

    const init = await runCli(["init", "my-tool"], { cwd: root });

    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain("created my-tool");
    for (const file of [
      "specprompt.yaml",
      "core.md",
      "guide.md",
      "units/slugify.md",
      "test/slugify.test.js",
    ]) {
      expect(existsSync(join(root, "my-tool", file)), file).toBe(true);
    }

    const build = await runCli(["build", "my-tool"], { cwd: root, env });

    expect(build.code, build.stderr).toBe(0);
    expect(readFileSync(join(root, "my-tool/src/slugify.js"), "utf8")).toBe(SLUGIFY);
    const lock = readLockJson(join(root, "my-tool"));
    expect(lock.name).toBe("my-tool");
    expect(lock.units.slugify?.validation?.passed).toBe(true);
  });

  test("refuses a folder that is not empty with exit 2", async () => {
    const root = await createTempRoot();
    await writeText(join(root, "my-tool/notes.txt"), "mine\n");

    const result = await runCli(["init", "my-tool"], { cwd: root });

    expectOneCleanError(result);
    expect(result.stderr).toMatch(/not empty/);
    expect(existsSync(join(root, "my-tool/specprompt.yaml"))).toBe(false);
  });
});

describe("bad input", () => {
  test("a manifest with a YAML syntax error exits 2 naming specprompt.yaml:LINE:COL", async () => {
    const dir = await packageWithManifest(
      [
        "name: bad",
        "version: 0.1.0",
        "core: core.md",
        "model: openai:gpt-test",
        "units:",
        "  a: { prompt: units/a.md, owns: [src/a.js }",
        "",
      ].join("\n"),
    );

    const result = await runCli(["build"], { cwd: dir });

    expectOneCleanError(result);
    expect(result.stderr).toMatch(/specprompt\.yaml:6:\d+/);
  });

  test("a manifest with an unknown key exits 2 pointing at the key", async () => {
    const dir = await packageWithManifest(
      ["name: bad", "version: 0.1.0", "core: core.md", "colour: red", "model: openai:gpt-test", ""].join(
        "\n",
      ),
    );

    const result = await runCli(["build"], { cwd: dir });

    expectOneCleanError(result);
    expect(result.stderr).toMatch(/specprompt\.yaml:4:1/);
    expect(result.stderr).toContain("colour");
  });

  test("--json on a failure prints one JSON error with a code and a message", async () => {
    const dir = await packageWithManifest(
      ["name: bad", "version: 0.1.0", "core: core.md", "colour: red", "model: openai:gpt-test", ""].join(
        "\n",
      ),
    );

    const result = await runCli(["build", "--json"], { cwd: dir });

    expect(result.code).toBe(2);
    const { error } = parseJsonOutput<{ error: { code: string; message: string } }>(result);
    expect(error.code).toBe("E_MANIFEST");
    expect(error.message).toContain("colour");
  });

  test("an unknown command exits 2 and suggests the closest one", async () => {
    const result = await runCli(["biuld"], { cwd: await createTempRoot() });

    expectOneCleanError(result);
    expect(result.stderr).toContain("unknown command 'biuld'");
    expect(result.stderr).toContain("did you mean 'specprompt build'?");
  });

  test("--version prints the version of the package", async () => {
    const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));

    const result = await runCli(["--version"], { cwd: await createTempRoot() });

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${version}\n`);
  });
});
