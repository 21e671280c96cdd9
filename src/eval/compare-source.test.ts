import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rejectionOf } from "../../test/support/rejection-of.js";
import { resolveBaseline } from "./compare-source.js";

let root: string;
let pkgDir: string;

function git(...args: string[]): string {
  return execFileSync("git", args, {
    cwd: root,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@t",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@t",
    },
  }).trim();
}

async function commitVersion(version: string, template: string): Promise<string> {
  await writeFile(
    join(pkgDir, "specprompt.yaml"),
    `name: qa\nversion: ${version}\nkind: prompt\ntemplate: prompt.md\n`,
  );
  await writeFile(join(pkgDir, "prompt.md"), template);
  git("add", "-A");
  git("commit", "-qm", `qa ${version}`);
  return git("rev-parse", "HEAD");
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "specprompt-compare-"));
  pkgDir = join(root, "prompts", "qa");
  await mkdir(pkgDir, { recursive: true });
  git("init", "-q");
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const resolve = (spec: string) => resolveBaseline(spec, { cwd: root, pkgDir, name: "qa" });

describe("resolveBaseline", () => {
  it("takes an existing folder as it is", async () => {
    const source = await resolve("prompts");
    expect(source).toMatchObject({ dir: join(root, "prompts"), label: "prompts", source: "folder" });
  });

  it("materialises the package folder as it was at a git ref, and removes it on cleanup", async () => {
    const first = await commitVersion("1.0.0", "old {{q}}\n");
    await commitVersion("1.1.0", "new {{q}}\n");
    const source = await resolve("HEAD~1");
    expect(source.source).toBe("git");
    expect(source.label).toBe(`HEAD~1 (${first.slice(0, 7)})`);
    expect(readFileSync(join(source.dir, "prompt.md"), "utf8")).toBe("old {{q}}\n");
    expect(readFileSync(join(source.dir, "specprompt.yaml"), "utf8")).toContain("version: 1.0.0");
    await source.cleanup();
    expect(existsSync(source.dir)).toBe(false);
  });

  it("finds name@version by its tag first", async () => {
    const tagged = await commitVersion("1.0.0", "tagged\n");
    git("tag", "qa@1.0.0");
    await commitVersion("1.0.0", "retouched, same version\n");
    const source = await resolve("qa@1.0.0");
    expect(source.label).toBe(`qa@1.0.0 (${tagged.slice(0, 7)})`);
    expect(readFileSync(join(source.dir, "prompt.md"), "utf8")).toBe("tagged\n");
    await source.cleanup();
  });

  it("without a tag, takes the newest commit whose manifest has that version", async () => {
    await commitVersion("1.0.0", "first\n");
    const last = await commitVersion("1.0.0", "second\n");
    await commitVersion("2.0.0", "third\n");
    const source = await resolve("qa@1.0.0");
    expect(source.label).toBe(`qa@1.0.0 (${last.slice(0, 7)})`);
    expect(readFileSync(join(source.dir, "prompt.md"), "utf8")).toBe("second\n");
    await source.cleanup();
  });

  it("refuses another package's name, an unknown version, a ref that does not exist, and a ref before the package", async () => {
    await writeFile(join(root, "README"), "x");
    git("add", "README");
    git("commit", "-qm", "readme");
    const before = git("rev-parse", "HEAD");
    await commitVersion("1.0.0", "x\n");
    expect((await rejectionOf(resolve("other@1.0.0"))).message).toMatch(/this package is qa, not other/);
    expect((await rejectionOf(resolve("qa@9.9.9"))).message).toMatch(
      /no tag qa@9\.9\.9 and no commit whose prompts\/qa\/specprompt\.yaml has version 9\.9\.9/,
    );
    const unknown = await rejectionOf(resolve("no-such-branch"));
    expect(unknown.code).toBe("E_USAGE");
    expect(unknown.message).toMatch(/neither a folder, a git ref nor name@version/);
    expect((await rejectionOf(resolve(before))).message).toMatch(
      /prompts\/qa\/specprompt\.yaml does not exist at/,
    );
  });

  it("says so when the package is not in a git repository", async () => {
    const outside = await mkdtemp(join(tmpdir(), "specprompt-nogit-"));
    const error = await rejectionOf(resolveBaseline("HEAD", { cwd: outside, pkgDir: outside, name: "qa" }));
    expect(error.message).toMatch(/not in a git repository/);
    await rm(outside, { recursive: true, force: true });
  });
});
