import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { chainFiles, chainPackage } from "../support/chain-package.js";
import { closedBaseURL } from "../support/closed-port.js";
import {
  createTempRoot,
  makePackage,
  readLockJson,
  removeTempRoots,
  snapshotTree,
  writeText,
} from "../support/make-package.js";
import { startModelWriter, userText } from "../support/model-writer.js";
import { parseJsonOutput, runCli } from "../support/run-cli.js";

afterAll(removeTempRoots);

interface PlanJson {
  units: Array<{ unit: string; action: string; reasons: string[] }>;
}

interface ImportsLock {
  imports?: Record<
    string,
    { source: string; ref?: string; commit?: string; hash: string; files: Record<string, string> }
  >;
}

const STYLE_LIBRARY = {
  "specprompt.yaml":
    "name: ts-style\nversion: 1.0.0\nkind: library\nguide: guide.md\ncontext: [context/*.md]\n",
  "guide.md": "## Modules\n\nOne export per module.\n",
  "context/naming.md": "Functions are named with a verb.\n",
};

async function writeLibrary(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) await writeText(join(dir, path), text);
}

async function plan(dir: string, env: Record<string, string>): Promise<PlanJson["units"]> {
  const result = await runCli(["plan", "--json"], { cwd: dir, env });
  expect(result.code, result.stderr).toBe(0);
  return parseJsonOutput<PlanJson>(result).units.filter((unit) => unit.action !== "keep");
}

describe("prompt libraries imported by path", () => {
  test("a build sends the library's layers, a changed library makes every unit stale and the next build regenerates", async () => {
    const { server, writer, env } = await startModelWriter({ files: chainFiles() });
    const { root, dir } = await makePackage(
      chainPackage({ manifest: { imports: { style: { path: "../libs/ts-style" } } } }),
    );
    await writeLibrary(join(root, "libs/ts-style"), STYLE_LIBRARY);

    const first = await runCli(["build"], { cwd: dir, env });
    expect(first.code, first.stderr).toBe(0);
    const sent = userText(server.requests[0]!);
    expect(sent).toContain("## Generation guide (@style/guide.md)\n\n## Modules\n\nOne export per module.");
    expect(sent).toContain("### @style/context/naming.md\n\nFunctions are named with a verb.");
    const lock = readLockJson(dir) as unknown as ImportsLock;
    expect(lock.imports?.style).toMatchObject({
      source: "../libs/ts-style",
      files: { "guide.md": expect.any(String), "context/naming.md": expect.any(String) },
    });
    // What `prompt` shows is what was sent.
    const shown = await runCli(["prompt", "--unit", "a"], { cwd: dir, env });
    expect(shown.stdout).toContain("## Generation guide (@style/guide.md)");

    // Nothing changed: answered from the freshness index, and status agrees.
    const again = await runCli(["build", "--json"], { cwd: dir, env });
    expect(parseJsonOutput<{ status: string }>(again).status).toBe("up-to-date");
    const clean = await runCli(["status", "--json"], { cwd: dir, env });
    expect(parseJsonOutput<{ stale: unknown[] }>(clean).stale).toEqual([]);

    writeFileSync(join(root, "libs/ts-style/guide.md"), "## Modules\n\nOne default export per module.\n");
    const stale = await plan(dir, env);
    expect(stale.map((unit) => unit.unit)).toEqual(["a", "b", "c"]);
    expect(stale[0]?.reasons).toEqual(["import style changed: guide.md"]);
    const status = await runCli(["status", "--json"], { cwd: dir, env });
    expect(parseJsonOutput<{ stale: { unit: string; reasons: string[] }[] }>(status).stale[0]).toEqual({
      unit: "a",
      reasons: ["import style changed: guide.md"],
    });

    const blame = await runCli(["blame", "src/a.js", "--json"], { cwd: dir, env });
    const layers = parseJsonOutput<{ layers: { kind: string; path: string; changed: boolean }[] }>(
      blame,
    ).layers;
    expect(layers.filter((layer) => layer.kind === "import")).toEqual([
      expect.objectContaining({ kind: "import", path: "@style", changed: true }),
    ]);

    writer.asked.length = 0;
    const rebuilt = await runCli(["build"], { cwd: dir, env });
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(writer.asked).toEqual(["a", "b", "c"]);
    expect(userText(server.requests.at(-2)!)).toContain("One default export per module.");
    expect(await plan(dir, env)).toEqual([]);
  });

  test("a new context document in the library is noticed by the next build", async () => {
    const { env } = await startModelWriter({ files: chainFiles() });
    const { root, dir } = await makePackage(
      chainPackage({ manifest: { imports: { style: { path: "../libs/ts-style", use: ["context"] } } } }),
    );
    await writeLibrary(join(root, "libs/ts-style"), STYLE_LIBRARY);
    expect((await runCli(["build"], { cwd: dir, env })).code).toBe(0);
    await writeText(join(root, "libs/ts-style/context/errors.md"), "Throw Error subclasses.\n");

    const result = await runCli(["build", "--json"], { cwd: dir, env });

    expect(result.code, result.stderr).toBe(0);
    const built = parseJsonOutput<{ status: string; plan: PlanJson }>(result);
    expect(built.status).toBe("built");
    expect(built.plan.units[0]?.reasons).toEqual(["import style changed: context/errors.md added"]);
  });

  test("build and plan refuse a kind: library package and say it is imported by others", async () => {
    const root = await createTempRoot();
    await writeLibrary(join(root, "ts-style"), STYLE_LIBRARY);
    for (const command of ["build", "plan"]) {
      const result = await runCli([command, "ts-style"], { cwd: root });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        "ts-style/specprompt.yaml:3:7: ts-style is a kind: library package: other packages import it, it is not built on its own",
      );
    }
  });
});

describe("prompt libraries imported from git", () => {
  test("build fetches and vendors the tag; a clone with the lock and .specprompt/ rebuilds --offline without the repository", async () => {
    const { env } = await startModelWriter({ files: chainFiles() });
    const { root, dir } = await makePackage(
      chainPackage({
        manifest: { imports: { style: { git: "../repo", ref: "v1", path: "libs/ts-style" } } },
      }),
    );
    const repo = join(root, "repo");
    await writeLibrary(join(repo, "libs/ts-style"), STYLE_LIBRARY);
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
        cwd: repo,
        encoding: "utf8",
      }).trim();
    git("init", "-q");
    git("add", ".");
    git("commit", "-q", "-m", "v1");
    git("tag", "v1");
    const commit = git("rev-parse", "HEAD");

    const refused = await runCli(["build", "--offline"], { cwd: dir, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      "import style: ../repo (libs/ts-style) at v1 is not fetched yet, and --offline does not fetch",
    );
    expect(existsSync(join(dir, ".specprompt/imports"))).toBe(false);

    const built = await runCli(["build"], { cwd: dir, env });
    expect(built.code, built.stderr).toBe(0);
    const lock = readLockJson(dir) as unknown as ImportsLock;
    expect(lock.imports?.style).toMatchObject({ source: "../repo", ref: "v1", commit });
    expect(readdirSync(join(dir, ".specprompt/imports")).length).toBe(2);

    const clone = join(await createTempRoot(), "clone");
    cpSync(dir, clone, { recursive: true });
    rmSync(join(clone, ".specprompt/local"), { recursive: true, force: true });
    rmSync(join(clone, ".specprompt/tmp"), { recursive: true, force: true });
    rmSync(repo, { recursive: true, force: true });
    for (const file of ["src/a.js", "src/b.js", "src/c.js"]) rmSync(join(clone, file));
    const offlineEnv = { OPENAI_BASE_URL: await closedBaseURL(), OPENAI_API_KEY: "unused" };

    const offline = await runCli(["build", "--offline"], { cwd: clone, env: offlineEnv });

    expect(offline.code, offline.stderr).toBe(0);
    expect(snapshotTree(clone)).toEqual(snapshotTree(dir));
    expect(readFileSync(join(clone, "specprompt.lock"), "utf8")).toBe(
      readFileSync(join(dir, "specprompt.lock"), "utf8"),
    );
    const check = await runCli(["check"], { cwd: clone, env: offlineEnv });
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });
});

describe("a failed build with a git import", () => {
  test("leaves the vendored copy the lock pins, so status and offline builds keep working", async () => {
    const { env } = await startModelWriter({ files: chainFiles() });
    const libraryRoot = await createTempRoot();
    const repo = join(libraryRoot, "repo");
    await writeLibrary(join(repo, "libs/ts-style"), STYLE_LIBRARY);
    const gitIn = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
        cwd: repo,
        encoding: "utf8",
      }).trim();
    gitIn("init", "-q");
    gitIn("add", ".");
    gitIn("commit", "-q", "-m", "v1");
    gitIn("tag", "v1");
    const { dir } = await makePackage(
      chainPackage({
        manifest: { imports: { style: { git: `file://${repo}`, ref: "v1", path: "libs/ts-style" } } },
      }),
    );
    expect((await runCli(["build"], { cwd: dir, env })).code).toBe(0);
    const good = snapshotTree(join(dir, ".specprompt/imports"));
    const lock = readFileSync(join(dir, "specprompt.lock"), "utf8");

    writeFileSync(join(repo, "libs/ts-style/guide.md"), "## Modules\n\nNamed exports only.\n");
    gitIn("commit", "-q", "-am", "v2");
    gitIn("tag", "v2");
    const manifest = join(dir, "specprompt.yaml");
    const v1Manifest = readFileSync(manifest, "utf8");
    writeFileSync(manifest, v1Manifest.replace("ref: v1", "ref: v2"));
    const unreachable = { OPENAI_BASE_URL: await closedBaseURL(), OPENAI_API_KEY: "unused" };
    const failed = await runCli(["build", "--retries", "0"], { cwd: dir, env: unreachable });
    expect(failed.code).not.toBe(0);
    expect(readFileSync(join(dir, "specprompt.lock"), "utf8")).toBe(lock);
    expect(snapshotTree(join(dir, ".specprompt/imports"))).toEqual(expect.objectContaining(good));

    writeFileSync(manifest, v1Manifest);
    const status = await runCli(["status"], { cwd: dir });
    expect(status.code, status.stderr).toBe(0);
    const offline = await runCli(["build", "--offline"], { cwd: dir, env: unreachable });
    expect(offline.code, offline.stderr).toBe(0);
    expect(snapshotTree(join(dir, ".specprompt/imports"))).toEqual(good);
  });
});

describe("checkout of a version with a git import", () => {
  test("brings back that version's vendored copy, so the old build replays offline without the repository", async () => {
    const { env } = await startModelWriter({ files: chainFiles() });
    const libraryRoot = await createTempRoot();
    const repo = join(libraryRoot, "repo");
    await writeLibrary(join(repo, "libs/ts-style"), STYLE_LIBRARY);
    const gitIn = (cwd: string, ...args: string[]) =>
      execFileSync(
        "git",
        ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "tag.gpgsign=false", ...args],
        {
          cwd,
          encoding: "utf8",
        },
      ).trim();
    gitIn(repo, "init", "-q");
    gitIn(repo, "add", ".");
    gitIn(repo, "commit", "-q", "-m", "v1");
    gitIn(repo, "tag", "v1");
    const { root, dir } = await makePackage(
      chainPackage({
        manifest: { imports: { style: { git: `file://${repo}`, ref: "v1", path: "libs/ts-style" } } },
      }),
    );
    expect((await runCli(["build"], { cwd: dir, env })).code).toBe(0);
    gitIn(root, "init", "-q");
    gitIn(root, "add", "-A");
    gitIn(root, "commit", "-q", "-m", "initial");
    const v1 = await runCli(["version", "patch", "-m", "style v1"], { cwd: dir });
    expect(v1.code, v1.stderr).toBe(0);
    const v1Lock = readFileSync(join(dir, "specprompt.lock"), "utf8");
    const v1Vendored = snapshotTree(join(dir, ".specprompt/imports"));

    writeFileSync(join(repo, "libs/ts-style/guide.md"), "## Modules\n\nOne default export per module.\n");
    gitIn(repo, "commit", "-q", "-am", "v2");
    gitIn(repo, "tag", "v2");
    const manifest = join(dir, "specprompt.yaml");
    writeFileSync(manifest, readFileSync(manifest, "utf8").replace("ref: v1", "ref: v2"));
    const built2 = await runCli(["build"], { cwd: dir, env });
    expect(built2.code, built2.stderr).toBe(0);
    expect(snapshotTree(join(dir, ".specprompt/imports"))).not.toEqual(v1Vendored);
    gitIn(root, "add", "-A");
    gitIn(root, "commit", "-q", "-m", "style v2");
    expect((await runCli(["version", "minor", "-m", "style v2"], { cwd: dir })).code).toBe(0);

    rmSync(repo, { recursive: true, force: true });
    const checkout = await runCli(["checkout", "e2e-pkg@0.1.1"], { cwd: dir });
    expect(checkout.code, checkout.stderr).toBe(0);
    expect(snapshotTree(join(dir, ".specprompt/imports"))).toEqual(v1Vendored);

    const offlineEnv = { OPENAI_BASE_URL: await closedBaseURL(), OPENAI_API_KEY: "unused" };
    const offline = await runCli(["build", "--offline"], { cwd: dir, env: offlineEnv });
    expect(offline.code, offline.stderr).toBe(0);
    expect(readFileSync(join(dir, "specprompt.lock"), "utf8")).toBe(v1Lock);
  });
});

const EXAMPLES = join(import.meta.dirname, "..", "..", "examples");

/** A copy of the example packages with the libraries beside them, as in the repository, minus machine-local state. */
async function copyExamples(): Promise<string> {
  const root = join(await createTempRoot(), "examples");
  for (const name of ["libs", "slugify", "support-reply"]) {
    cpSync(join(EXAMPLES, name), join(root, name), {
      recursive: true,
      filter: (path) => !/[/\\]\.specprompt[/\\](local|tmp|staging)([/\\]|$)/.test(path),
    });
  }
  return root;
}

describe("the example packages that import libraries", () => {
  test("slugify rebuilds byte-identical offline from its committed lock and cache, and passes check", async () => {
    const root = await copyExamples();
    const dir = join(root, "slugify");
    const committed = snapshotTree(dir);
    rmSync(join(dir, "src/slugify.js"));
    const env = { OPENAI_BASE_URL: await closedBaseURL(), OPENAI_API_KEY: "unused" };

    const built = await runCli(["build", "--offline"], { cwd: dir, env });

    expect(built.code, built.stderr).toBe(0);
    expect(snapshotTree(dir)).toEqual(committed);
    const check = await runCli(["check"], { cwd: dir, env });
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });

  test("support-reply's template includes the prompt library's partials", async () => {
    const root = await copyExamples();
    const shown = await runCli(
      ["prompt", "support-reply", "--vars", "question=Where is it?", "--vars", "order=order 7", "--json"],
      { cwd: root },
    );
    expect(shown.code, shown.stderr).toBe(0);
    const { messages } = parseJsonOutput<{ messages: { role: string; content: string }[] }>(shown);
    expect(messages[0]?.content).toContain("Write as Acme's support team");
    expect(messages[0]?.content).toContain("Never invent facts");
    expect(messages[0]?.content).toContain("What you know about the customer's order: order 7");
    expect(messages[1]).toEqual({ role: "user", content: "Where is it?" });
  });
});
