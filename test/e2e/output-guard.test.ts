import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { CHAIN_TEST, chainFiles, chainPackage } from "../support/chain-package.js";
import {
  makePackage,
  manifestText,
  readLockJson,
  removeTempRoots,
  snapshotTree,
} from "../support/make-package.js";
import { isToolFollowUp, requestUnit, startModelWriter, toolResults } from "../support/model-writer.js";
import { runCli } from "../support/run-cli.js";

afterAll(removeTempRoots);

describe("writes the model is not allowed to make", () => {
  test("never reach the disk, come back to the model as refused tool results, and the build still succeeds", async () => {
    const def = chainPackage();
    def.units.a!.owns = ["src/a.js", "src/link/**"];
    const { root, dir } = await makePackage(def);
    const outside = join(root, "outside");
    mkdirSync(outside);
    writeFileSync(join(outside, "keep.txt"), "untouched\n");
    mkdirSync(join(dir, "src"));
    symlinkSync(outside, join(dir, "src/link"), "dir");
    const escapes = [
      join(root, "evil-absolute.js"),
      "../evil.js",
      "src/not-owned.js",
      "test/chain.test.js",
      "specprompt.yaml",
      "specprompt.lock",
      ".specprompt/cache/x",
      "src/link/evil.js",
    ];
    const { server, env } = await startModelWriter({
      files: chainFiles(),
      extraCalls: { a: escapes.map((path) => ({ path, content: "owned by the attacker\n" })) },
    });

    const result = await runCli(["build"], { cwd: dir, env });

    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(join(dir, "src/a.js"), "utf8")).toBe(chainFiles().a!["src/a.js"]);
    expect(existsSync(join(root, "evil-absolute.js"))).toBe(false);
    expect(existsSync(join(root, "evil.js"))).toBe(false);
    expect(existsSync(join(dir, "src/not-owned.js"))).toBe(false);
    expect(readFileSync(join(dir, "test/chain.test.js"), "utf8")).toBe(CHAIN_TEST);
    expect(readFileSync(join(dir, "specprompt.yaml"), "utf8")).toBe(manifestText(def));
    expect(Object.keys(readLockJson(dir).units).sort()).toEqual(["a", "b", "c"]);
    expect(existsSync(join(dir, ".specprompt/cache/x"))).toBe(false);
    expect(snapshotTree(outside)).toEqual({ "keep.txt": "untouched\n" });

    const followUp = server.requests.find(
      (request) => requestUnit(request) === "a" && isToolFollowUp(request),
    );
    const results = toolResults(followUp!);
    expect(results).toHaveLength(1 + escapes.length);
    expect(results[0]).toMatch(/^wrote src\/a\.js/);
    for (const [i, path] of escapes.entries()) {
      expect(results[i + 1], path).toMatch(/refused/);
    }
    expect(result.stdout.match(/refused: /g)).toHaveLength(escapes.length);
  });
});
