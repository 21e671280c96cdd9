import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { chainFiles, chainPackage } from "../support/chain-package.js";
import { closedBaseURL } from "../support/closed-port.js";
import { makePackage, removeTempRoots, snapshotTree } from "../support/make-package.js";
import { startModelWriter } from "../support/model-writer.js";
import { parseJsonOutput, runCli } from "../support/run-cli.js";

afterAll(removeTempRoots);

/** git in `cwd`, its stdout as text. */
function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8" });
}

/** A repository at the package's temporary root (so the package is in a subfolder), everything committed. */
function initRepo(root: string): void {
  git(root, "init", "-q");
  git(root, "config", "user.name", "SpecPrompt Tests");
  git(root, "config", "user.email", "tests@example.invalid");
  git(root, "config", "commit.gpgsign", "false");
  git(root, "config", "tag.gpgsign", "false");
  commitAll(root, "initial");
}

function commitAll(root: string, message: string): void {
  git(root, "add", "-A");
  git(root, "commit", "-q", "--allow-empty", "-m", message);
}

interface VersionJson {
  name: string;
  from: string;
  to: string;
  changed: Array<{
    path: string;
    status: string;
    sections?: { added: string[]; removed: string[]; changed: string[] };
  }>;
  tag: string | null;
  commit: string | null;
}

const today = () => new Date().toISOString().slice(0, 10);

describe("specprompt version", () => {
  test("bumps the manifest in place, writes the changelog, commits and tags; refuses no change and unrelated dirt", async () => {
    const { root, dir } = await makePackage(chainPackage());
    const manifestPath = join(dir, "specprompt.yaml");
    writeFileSync(manifestPath, `# the chain package\n${readFileSync(manifestPath, "utf8")}`);
    writeFileSync(
      join(dir, "core.md"),
      "# chain\n\n## Purpose\n\nCount to three.\n\n## Behaviours\n\n- counts\n",
    );
    initRepo(root);

    const first = await runCli(["version", "patch", "-m", "The first cut.", "--json"], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    const v1 = parseJsonOutput<VersionJson>(first);
    expect(v1).toMatchObject({ name: "e2e-pkg", from: "0.1.0", to: "0.1.1", tag: "e2e-pkg@0.1.1" });
    expect(v1.changed.map((change) => change.status)).toEqual(v1.changed.map(() => "added"));
    expect(v1.changed.map((change) => change.path)).toContain("units/c.md");
    expect(readFileSync(manifestPath, "utf8")).toMatch(/^# the chain package\n/);
    expect(readFileSync(manifestPath, "utf8")).toMatch(/^version: 0\.1\.1$/m);
    expect(git(root, "tag", "--list").trim()).toBe("e2e-pkg@0.1.1");
    expect(git(root, "rev-parse", "e2e-pkg@0.1.1^{commit}").trim()).toBe(v1.commit);
    expect(git(root, "status", "--porcelain")).toBe("");

    // Nothing changed since the tag: refused, nothing written.
    const again = await runCli(["version", "patch", "-m", "again"], { cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/nothing changed since e2e-pkg@0\.1\.1/);
    expect(readFileSync(manifestPath, "utf8")).toMatch(/^version: 0\.1\.1$/m);

    // Bad bumps are usage errors.
    expect((await runCli(["version", "sideways", "-m", "x"], { cwd: dir })).code).toBe(2);
    const backwards = await runCli(["version", "0.1.0", "-m", "x"], { cwd: dir });
    expect(backwards.code).toBe(2);
    expect(backwards.stderr).toMatch(/does not come after/);

    // A source change plus an unrelated dirty file: refused, then --allow-dirty leaves the file out.
    writeFileSync(
      join(dir, "core.md"),
      "# chain\n\n## Purpose\n\nCount to three, fast.\n\n## Limits\n\n- none\n",
    );
    writeFileSync(join(root, "notes.txt"), "mine\n");
    const dirty = await runCli(["version", "minor", "-m", "Faster."], { cwd: dir });
    expect(dirty.code).toBe(1);
    expect(dirty.stderr).toMatch(/notes\.txt/);
    expect(dirty.stderr).toMatch(/--allow-dirty/);
    const allowed = await runCli(["version", "minor", "-m", "Faster.", "--allow-dirty", "--json"], {
      cwd: dir,
    });
    expect(allowed.code, allowed.stderr).toBe(0);
    const v2 = parseJsonOutput<VersionJson>(allowed);
    expect(v2.from).toBe("0.1.1");
    expect(v2.to).toBe("0.2.0");
    expect(v2.changed).toEqual([
      {
        path: "core.md",
        status: "changed",
        sections: { added: ["Limits"], removed: ["Behaviours"], changed: ["Purpose"] },
      },
    ]);
    expect(git(root, "status", "--porcelain")).toBe("?? notes.txt\n");
    expect(git(root, "show", "--name-only", "--format=", "HEAD").trim().split("\n").sort()).toEqual([
      "pkg/CHANGELOG.md",
      "pkg/core.md",
      "pkg/specprompt.yaml",
    ]);

    const changelog = readFileSync(join(dir, "CHANGELOG.md"), "utf8");
    expect(changelog.indexOf("## 0.2.0")).toBeLessThan(changelog.indexOf("## 0.1.1"));
    expect(changelog).toContain(`## 0.2.0 — ${today()}\n\nFaster.\n\nChanged since 0.1.1:\n`);
    expect(changelog).toContain(`## 0.1.1 — ${today()}\n\nThe first cut.\n\nFirst version.\n`);

    const log = await runCli(["log", "--json"], { cwd: dir });
    expect(log.code, log.stderr).toBe(0);
    const report = parseJsonOutput<{ versions: Array<Record<string, unknown>> }>(log);
    expect(report.versions.map((entry) => [entry.version, entry.why, entry.tag, entry.commit])).toEqual([
      ["0.2.0", "Faster.", "e2e-pkg@0.2.0", v2.commit],
      ["0.1.1", "The first cut.", "e2e-pkg@0.1.1", v1.commit],
    ]);
    expect(report.versions[0]?.changes).toEqual(v2.changed);
    const text = await runCli(["log"], { cwd: dir });
    expect(text.stdout).toMatch(/0\.2\.0 {2}\d{4}-\d\d-\d\d {2}e2e-pkg@0\.2\.0/);
    expect(text.stdout).toMatch(
      /changed +core\.md +\(sections added "Limits"; removed "Behaviours"; changed "Purpose"\)/,
    );
  });

  test("outside a git repository it writes manifest and changelog and says first version; checkout needs git", async () => {
    const { dir } = await makePackage(chainPackage());
    const result = await runCli(["version", "1.0.0", "-m", "Stable.", "--json"], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(parseJsonOutput<VersionJson>(result)).toMatchObject({
      from: "0.1.0",
      to: "1.0.0",
      tag: null,
      commit: null,
    });
    expect(readFileSync(join(dir, "CHANGELOG.md"), "utf8")).toContain("Stable.\n\nFirst version.\n");
    const checkout = await runCli(["checkout", "e2e-pkg@1.0.0"], { cwd: dir });
    expect(checkout.code).toBe(2);
    expect(checkout.stderr).toMatch(/needs a git repository/);
  });
});

describe("specprompt checkout", () => {
  test("restores v1's source and the offline build brings back v1's output bytes with no model", async () => {
    const files = chainFiles();
    const { server, env } = await startModelWriter({ files });
    const { root, dir } = await makePackage(chainPackage());
    expect((await runCli(["build"], { cwd: dir, env })).code).toBe(0);
    initRepo(root);
    expect((await runCli(["version", "patch", "-m", "v1"], { cwd: dir })).code).toBe(0);
    const v1 = snapshotTree(dir);

    writeFileSync(
      join(dir, "units/c.md"),
      "Write `src/c.js` exporting `c()`, which returns b() + 1, tersely.\n",
    );
    files.c = { "src/c.js": 'import { b } from "./b.js";\nexport const c = () => b() + 1; // v2\n' };
    const build2 = await runCli(["build"], { cwd: dir, env });
    expect(build2.code, build2.stderr).toBe(0);
    expect(readFileSync(join(dir, "src/c.js"), "utf8")).toContain("// v2");
    commitAll(root, "build v2");
    const version2 = await runCli(["version", "minor", "-m", "Terser c.", "--json"], { cwd: dir });
    expect(version2.code, version2.stderr).toBe(0);
    expect(parseJsonOutput<VersionJson>(version2).changed).toEqual([
      { path: "units/c.md", status: "changed" },
    ]);
    commitAll(root, "after v2");

    // Uncommitted source changes are not thrown away without --force.
    writeFileSync(join(dir, "units/a.md"), "changed by hand\n");
    const refused = await runCli(["checkout", "e2e-pkg@0.1.1"], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/pkg\/units\/a\.md/);
    git(root, "checkout", "--", "pkg/units/a.md");

    const checkout = await runCli(["checkout", "e2e-pkg@0.1.1"], { cwd: dir });
    expect(checkout.code, checkout.stderr).toBe(0);
    expect(checkout.stdout).toMatch(/specprompt build/);
    expect(readFileSync(join(dir, "units/c.md"), "utf8")).not.toContain("tersely");
    expect(readFileSync(join(dir, "specprompt.lock"), "utf8")).toBe(v1["specprompt.lock"]);

    const requests = server.requests.length;
    const offline = { OPENAI_BASE_URL: await closedBaseURL(), OPENAI_API_KEY: "unused" };
    const rebuilt = await runCli(["build", "--offline"], { cwd: dir, env: offline });
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(server.requests).toHaveLength(requests);
    const { "specprompt.lock": lock, ...outputs } = snapshotTree(dir);
    const { "specprompt.lock": v1Lock, ...v1Outputs } = v1;
    expect(outputs).toEqual(v1Outputs);
    expect(outputs["src/c.js"]).toBe(chainFiles().c!["src/c.js"]);
    // `version` relabelled the lock it committed, so the tag's lock is current and the rebuild keeps it.
    expect(v1Lock).toContain('"version": "0.1.1"');
    expect(lock).toBe(v1Lock);
  });
});
