import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeEach, describe, expect, it } from "vitest";
import { rejectionOf } from "../../../test/support/rejection-of.js";
import { useTempFolder } from "../../../test/support/temp-folder.js";
import { type LoadPackageOptions, loadPackage } from "../load-package.js";
import { IMPORTS_DIR, pruneVendored, vendoredKeys } from "./vendor-git.js";

const folder = useTempFolder("specprompt-git-imports-");
let repo: string;
let v1: string;
let v2: string;

function git(...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
    cwd: repo,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

/** A repository holding two libraries; ts-style imports base by relative path. Tag v1, then one more commit. */
beforeEach(async () => {
  repo = join(folder.root, "repo");
  await folder.write(
    {
      "libs/ts-style/specprompt.yaml":
        "name: ts-style\nversion: 1.0.0\nkind: library\nguide: guide.md\nimports:\n  base: { path: ../base }\n",
      "libs/ts-style/guide.md": "Style one.\n",
      "libs/base/specprompt.yaml": "name: base\nversion: 1.0.0\nkind: library\nguide: guide.md\n",
      "libs/base/guide.md": "Base one.\n",
    },
    repo,
  );
  git("init", "-q");
  git("add", ".");
  git("commit", "-q", "-m", "one");
  git("tag", "v1");
  v1 = git("rev-parse", "HEAD");
  await folder.write({ "libs/ts-style/guide.md": "Style two.\n", "libs/base/guide.md": "Base two.\n" }, repo);
  git("commit", "-q", "-am", "two");
  v2 = git("rev-parse", "HEAD");
});

async function writeApp(importSpec: string): Promise<void> {
  await folder.write({
    "app/specprompt.yaml": `name: app\nversion: 0.1.0\ncore: core.md\nmodel: openai:gpt-4o-mini\nimports:\n  style: ${importSpec}\n`,
    "app/core.md": "Build it.\n",
  });
}

function load(options: Partial<LoadPackageOptions> = {}) {
  return loadPackage("app", { cwd: folder.root, env: {}, ...options });
}

function vendored(): string[] {
  const dir = join(folder.root, "app", IMPORTS_DIR);
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

describe("imports from git", () => {
  it("fetches a tag into .specprompt/imports/, pins its commit, and resolves relative imports in the same commit", async () => {
    await writeApp("{ git: ../repo, ref: v1, path: libs/ts-style }");
    const { pkg } = await load({ imports: "fetch" });
    const [style, base] = pkg.imports!.all;
    expect(style).toMatchObject({
      alias: "style",
      source: "../repo",
      ref: "v1",
      commit: v1,
      path: "libs/ts-style",
    });
    expect(base).toMatchObject({
      alias: "style/base",
      source: "../repo",
      ref: "v1",
      commit: v1,
      path: "libs/base",
    });
    expect(pkg.imports!.guide.map((layer) => layer.content)).toEqual(["Style one.\n", "Base one.\n"]);
    const entries = vendored();
    expect(entries).toHaveLength(4); // two folders and their records
    const record = JSON.parse(
      readFileSync(
        join(
          folder.root,
          "app",
          IMPORTS_DIR,
          entries.find((e) => e.startsWith("ts-style") && e.endsWith(".json"))!,
        ),
        "utf8",
      ),
    );
    expect(record).toEqual({ url: "../repo", ref: "v1", path: "libs/ts-style", commit: v1 });
    expect(existsSync(join(style!.dir, "guide.md"))).toBe(true);
  });

  it("fetches a commit by its full or abbreviated id, through a file:// URL", async () => {
    const url = pathToFileURL(repo).href;
    await writeApp(`{ git: "${url}", ref: ${v2}, path: libs/ts-style, use: [guide] }`);
    const full = (await load({ imports: "fetch" })).pkg.imports!;
    expect(full.all[0]).toMatchObject({ source: url, commit: v2 });
    expect(full.guide[0]?.content).toBe("Style two.\n");
    await writeApp(`{ git: "${url}", ref: "${v1.slice(0, 10)}", path: libs/ts-style }`);
    const short = (await load({ imports: "fetch" })).pkg.imports!;
    expect(short.all[0]?.commit).toBe(v1);
    expect(short.guide[0]?.content).toBe("Style one.\n");
  });

  it("reads the vendored copy without the repository, so a clone needs no network", async () => {
    await writeApp("{ git: ../repo, ref: v1, path: libs/ts-style }");
    const fetched = (await load({ imports: "fetch" })).pkg.imports!;
    await rm(repo, { recursive: true, force: true });
    const offline = (await load({ imports: "offline" })).pkg.imports!;
    expect(offline.hashes).toEqual(fetched.hashes);
    expect(offline.all.map((imported) => imported.commit)).toEqual([v1, v1]);
    const plain = (await load()).pkg.imports!;
    expect(plain.hashes).toEqual(fetched.hashes);
  });

  it("never fetches unless asked to, and says what to run", async () => {
    await writeApp("{ git: ../repo, ref: v1, path: libs/ts-style }");
    const reading = await rejectionOf(load());
    expect(reading.code).toBe("E_IMPORT");
    expect(reading.message).toBe("import style: ../repo (libs/ts-style) at v1 is not fetched yet");
    expect(reading.hint).toContain("specprompt build");
    expect(reading.location).toEqual({ file: "app/specprompt.yaml", line: 6, column: 10 });
    const offline = await rejectionOf(load({ imports: "offline" }));
    expect(offline.message).toBe(
      "import style: ../repo (libs/ts-style) at v1 is not fetched yet, and --offline does not fetch",
    );
    expect(vendored()).toEqual([]);
  });

  it("fetches again when the ref changes, keeps the old copy until pruned, then only the one in use", async () => {
    await writeApp("{ git: ../repo, ref: v1, path: libs/ts-style, use: [guide] }");
    await load({ imports: "fetch" });
    const before = vendored();
    await writeApp(`{ git: ../repo, ref: ${v2}, path: libs/ts-style, use: [guide] }`);
    const { pkg } = await load({ imports: "fetch" });
    expect(pkg.imports!.guide[0]?.content).toBe("Style two.\n");
    // Loading never removes a copy: a build that fails after it must leave the last good one.
    expect(vendored()).toHaveLength(before.length * 2);
    expect(vendored()).toEqual(expect.arrayContaining(before));
    const root = join(folder.root, "app");
    pruneVendored(root, vendoredKeys(root, pkg.imports));
    const after = vendored();
    expect(after).toHaveLength(before.length);
    expect(after.filter((name) => before.includes(name))).toEqual([]);
  });

  it("fetches the commit the lock pinned when the vendored copy is gone, even if the tag moved", async () => {
    await writeApp("{ git: ../repo, ref: v1, path: libs/ts-style }");
    await load({ imports: "fetch" });
    await writeFile(
      join(folder.root, "app/specprompt.lock"),
      JSON.stringify({
        imports: { style: { source: "../repo", ref: "v1", path: "libs/ts-style", commit: v1 } },
      }),
    );
    git("tag", "-f", "v1", v2);
    await rm(join(folder.root, "app", IMPORTS_DIR), { recursive: true });
    const { pkg } = await load({ imports: "fetch" });
    expect(pkg.imports!.all[0]?.commit).toBe(v1);
    expect(pkg.imports!.guide[0]?.content).toBe("Style one.\n");
  });

  it("refetches a library's own folder when its vendored copy is from another commit than the library", async () => {
    await writeApp("{ git: ../repo, ref: v1, path: libs/ts-style }");
    const first = (await load({ imports: "fetch" })).pkg.imports!;
    git("tag", "-f", "v1", v2);
    await rm(first.all[0]!.dir, { recursive: true });
    const { pkg } = await load({ imports: "fetch" });
    expect(pkg.imports!.all.map((imported) => imported.commit)).toEqual([v2, v2]);
    expect(pkg.imports!.guide.map((layer) => layer.content)).toEqual(["Style two.\n", "Base two.\n"]);
  });

  it("reports a ref the repository does not have at the import's line", async () => {
    await writeApp("{ git: ../repo, ref: v9, path: libs/ts-style }");
    const error = await rejectionOf(load({ imports: "fetch" }));
    expect(error.code).toBe("E_IMPORT");
    expect(error.message).toMatch(/^import style: cannot fetch \.\.\/repo \(libs\/ts-style\) at v9: /);
    expect(error.location?.line).toBe(6);
    expect(vendored()).toEqual([]);
  });

  it("refuses a relative import that climbs out of the repository", async () => {
    await folder.write(
      {
        "libs/ts-style/specprompt.yaml":
          "name: ts-style\nversion: 1.0.0\nkind: library\nguide: guide.md\nimports:\n  up: { path: ../../.. }\n",
      },
      repo,
    );
    git("commit", "-q", "-am", "three");
    await writeApp("{ git: ../repo, ref: HEAD, path: libs/ts-style }");
    const error = await rejectionOf(load({ imports: "fetch" }));
    expect(error.message).toBe("import style/up: ../../.. points outside ../repo");
  });

  it("never runs a command a library's own git import smuggles in as an option", async () => {
    const marker = join(folder.root, "pwned");
    await folder.write(
      {
        "libs/ts-style/specprompt.yaml": `name: ts-style\nversion: 1.0.0\nkind: library\nguide: guide.md\nimports:\n  evil: { git: ../.., ref: "--upload-pack=touch ${marker}" }\n`,
      },
      repo,
    );
    git("commit", "-q", "-am", "evil");
    await writeApp("{ git: ../repo, ref: HEAD, path: libs/ts-style }");
    const error = await rejectionOf(load({ imports: "fetch" }));
    expect(error.message).toContain("is not a tag, branch or commit name");
    expect(existsSync(marker)).toBe(false);
  });

  it("passes a URL or ref that looks like an option to git as a value, never as an option", async () => {
    const marker = join(folder.root, "pwned2");
    const { createGitFetcher } = await import("./git-fetcher.js");
    const fetcher = createGitFetcher(join(folder.root, "scratch"));
    try {
      await expect(
        fetcher.extract(repo, `--upload-pack=touch ${marker}`, "", join(folder.root, "a")),
      ).rejects.toThrow("would be read as an option");
      await expect(
        fetcher.extract(`--upload-pack=touch ${marker};:`, "v1", "", join(folder.root, "b")),
      ).rejects.toThrow("would be read as an option");
    } finally {
      fetcher.dispose();
    }
    expect(existsSync(marker)).toBe(false);
  });
});
