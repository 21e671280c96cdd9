import { createHash } from "node:crypto";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, onTestFinished, test } from "vitest";
import { chainFiles, chainPackage } from "../support/chain-package.js";
import type { RecordedRequest } from "../support/fake-model-server.mjs";
import { startFakeModelServer } from "../support/fake-model-server.mjs";
import {
  createTempRoot,
  makePackage,
  readLockJson,
  removeTempRoots,
  snapshotTree,
} from "../support/make-package.js";
import {
  createModelWriter,
  fakeModelEnv,
  isToolFollowUp,
  startModelWriter,
  toolResults,
  userText,
} from "../support/model-writer.js";
import { parseJsonOutput, runCli } from "../support/run-cli.js";

afterAll(removeTempRoots);

const B_PROMPT = "Write `src/b.js` exporting `b()`, which returns a() + 1.\n";
const BEHAVIOUR = "Double a() instead of adding one, under a comment `// doubled by hand`.";
const AMENDED_B_PROMPT = `${B_PROMPT}\n${BEHAVIOUR}\n`;
const EDITED_B = 'import { a } from "./a.js";\n\n// doubled by hand\nexport const b = () => a() * 2;\n';

interface AbsorbJson {
  units: {
    unit: string;
    files: string[];
    amended: string[];
    patch: string;
    accepted: boolean;
    rebuilt: boolean;
    matches: boolean | null;
    remaining: { path: string; patch: string }[];
    refused: string[];
  }[];
  saved?: string;
  build?: { status: string };
}

const isAbsorbRequest = (request: RecordedRequest) =>
  JSON.stringify(request.body?.tools ?? []).includes("propose_amendment");

/**
 * A model that proposes `proposals` when asked to absorb, and builds the chain package; once unit
 * b's prompt carries the new behaviour, it writes `rebuiltB` (by default the hand-edited b).
 */
async function startAbsorbingModel(proposals: { path: unknown; content: unknown }[], rebuiltB = EDITED_B) {
  const server = await startFakeModelServer();
  onTestFinished(() => server.close());
  const plain = createModelWriter({ files: chainFiles() });
  const amended = createModelWriter({ files: { ...chainFiles(), b: { "src/b.js": rebuiltB } } });
  server.setHandler((request) => {
    if (isAbsorbRequest(request)) {
      if (isToolFollowUp(request)) return { text: "Moved the doubling into the unit prompt of b." };
      return { toolCalls: proposals.map((input) => ({ name: "propose_amendment", input })) };
    }
    return (userText(request).includes(BEHAVIOUR) ? amended : plain).handle(request);
  });
  return { server, env: fakeModelEnv(server) };
}

/** The chain package, built, with src/b.js edited by hand. */
async function handEditedChain(env: Record<string, string>): Promise<string> {
  const { dir } = await makePackage(chainPackage());
  const build = await runCli(["build"], { cwd: dir, env });
  expect(build.code, build.stderr).toBe(0);
  writeFileSync(join(dir, "src/b.js"), EDITED_B);
  return dir;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const GOOD = [{ path: "units/b.md", content: AMENDED_B_PROMPT }];

describe("specprompt absorb", () => {
  test("with --yes, the unit prompt gains the behaviour and the rebuilt file equals the hand edit", async () => {
    const { server, env } = await startAbsorbingModel(GOOD);
    const dir = await handEditedChain(env);

    const result = await runCli(["absorb", "--yes", "--json"], { cwd: dir, env });

    expect(result.code, result.stderr).toBe(0);
    const report = parseJsonOutput<AbsorbJson>(result);
    expect(report.units).toMatchObject([
      {
        unit: "b",
        files: ["src/b.js"],
        amended: ["units/b.md"],
        accepted: true,
        rebuilt: true,
        matches: true,
        remaining: [],
      },
    ]);
    expect(report.units[0]!.patch).toContain(`+${BEHAVIOUR}`);
    expect(report.build?.status).toBe("built");
    expect(readFileSync(join(dir, "units/b.md"), "utf8")).toBe(AMENDED_B_PROMPT);
    expect(readFileSync(join(dir, "src/b.js"), "utf8")).toBe(EDITED_B);
    expect(readLockJson(dir).units.b!.outputs["src/b.js"]).toBe(sha256(EDITED_B));
    expect(readFileSync(join(dir, report.saved!, "src/b.js"), "utf8")).toBe(EDITED_B);
    // The model saw the unit's layers as files and the edit as a diff against what the build wrote.
    const asked = userText(server.requests.find(isAbsorbRequest)!);
    expect(asked).toContain("### units/b.md (unit prompt)");
    expect(asked).toContain("### guide.md (generation guide");
    expect(asked).toContain("License: {{license}}"); // the source, not the rendered layer
    expect(asked).toContain("-export const b = () => a() + 1;\n+// doubled by hand");
    const status = parseJsonOutput<{ clean: boolean }>(await runCli(["status", "--json"], { cwd: dir }));
    expect(status.clean).toBe(true);
  });

  test("without a terminal and without --yes, prints the amendment and changes nothing", async () => {
    const { env } = await startAbsorbingModel(GOOD);
    const dir = await handEditedChain(env);
    const before = snapshotTree(dir);

    const result = await runCli(["absorb"], { cwd: dir, env });

    expect(result.code).toBe(1);
    expect(result.stdout).toContain("--- a/units/b.md\n+++ b/units/b.md\n");
    expect(result.stdout).toContain(`+${BEHAVIOUR}`);
    expect(result.stderr).toContain("run again with --yes");
    expect(snapshotTree(dir)).toEqual(before);
    expect(existsSync(join(dir, ".specprompt/absorbed"))).toBe(false);
  });

  test("refuses amendments outside the package's layers and writes nothing", async () => {
    const escapes = [
      "../x",
      "specprompt.lock",
      "specprompt.yaml",
      "src/b.js",
      "test/chain.test.js",
      "/tmp/x",
    ];
    const { server, env } = await startAbsorbingModel(escapes.map((path) => ({ path, content: "pwned\n" })));
    const dir = await handEditedChain(env);
    const before = snapshotTree(dir);

    const result = await runCli(["absorb", "--yes"], { cwd: dir, env });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("proposed no amendment");
    expect(snapshotTree(dir)).toEqual(before);
    expect(existsSync(join(dir, "../x"))).toBe(false);
    const followUp = server.requests.filter(isAbsorbRequest).find(isToolFollowUp)!;
    const results = toolResults(followUp);
    expect(results).toHaveLength(escapes.length);
    for (const text of results)
      expect(text).toMatch(/^refused: .* propose only core\.md, guide\.md, units\/b\.md$/);
  });

  test("a path that is not hand-edited, or not generated, is bad input", async () => {
    const { server, env } = await startAbsorbingModel(GOOD);
    const dir = await handEditedChain(env);

    const clean = await runCli(["absorb", "src/a.js", "--yes"], { cwd: dir, env });
    const unknown = await runCli(["absorb", "src/nope.js", "--yes"], { cwd: dir, env });

    expect(clean.code).toBe(2);
    expect(clean.stderr).toContain("src/a.js has no hand edits");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("src/nope.js is not a file a build of e2e-pkg wrote");
    expect(server.requests.filter(isAbsorbRequest)).toHaveLength(0);
  });

  test("--offline with nothing cached is a clear error; with the cache, it replays the absorb", async () => {
    const { env } = await startAbsorbingModel(GOOD);
    const dir = await handEditedChain(env);
    const clone = join(await createTempRoot(), "clone");
    cpSync(dir, clone, { recursive: true });
    const before = snapshotTree(clone);

    const miss = await runCli(["absorb", "--offline", "--yes"], { cwd: clone });
    expect(miss.code).toBe(2);
    expect(miss.stderr).toContain("no cached response for this absorb request and --offline is set");
    expect(snapshotTree(clone)).toEqual(before);

    const online = await runCli(["absorb", "--yes"], { cwd: dir, env });
    expect(online.code, online.stderr).toBe(0);
    cpSync(join(dir, ".specprompt/cache"), join(clone, ".specprompt/cache"), { recursive: true });
    const replay = await runCli(["absorb", "--offline", "--yes"], { cwd: clone });

    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout).toContain("src/b.js matches the hand edit");
    expect(readFileSync(join(clone, "units/b.md"), "utf8")).toBe(AMENDED_B_PROMPT);
    expect(readLockJson(clone).units.b!.outputs).toEqual(readLockJson(dir).units.b!.outputs);
  });

  test("with no hand edits there is nothing to absorb", async () => {
    const { env } = await startModelWriter({ files: chainFiles() });
    const { dir } = await makePackage(chainPackage());
    expect((await runCli(["build"], { cwd: dir, env })).code).toBe(0);

    const result = await runCli(["absorb", "--json"], { cwd: dir, env });

    expect(result.code, result.stderr).toBe(0);
    expect(parseJsonOutput<AbsorbJson>(result).units).toEqual([]);
  });

  test("shows what still differs when the rebuilt file is not the hand edit", async () => {
    const close = EDITED_B.replace("// doubled by hand", "// doubled");
    const { env } = await startAbsorbingModel(GOOD, close);
    const dir = await handEditedChain(env);

    const result = await runCli(["absorb", "--yes"], { cwd: dir, env });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("src/b.js differs from the hand edit after the rebuild");
    expect(result.stdout).toContain("--- hand-edit/src/b.js\n+++ rebuilt/src/b.js\n");
    expect(result.stdout).toContain("-// doubled by hand\n+// doubled\n");
    expect(readFileSync(join(dir, "src/b.js"), "utf8")).toBe(close);
  });

  test("a rebuild that fails validation keeps the amendment, the hand edit and the lock", async () => {
    const broken = EDITED_B.replace("a() * 2", "a() * 3");
    const { env } = await startAbsorbingModel(GOOD, broken);
    const dir = await handEditedChain(env);
    const lockBefore = readFileSync(join(dir, "specprompt.lock"), "utf8");

    const result = await runCli(["absorb", "--yes", "--json"], { cwd: dir, env });

    expect(result.code).toBe(1);
    const report = parseJsonOutput<AbsorbJson>(result);
    expect(report.build?.status).toBe("failed");
    expect(report.units).toMatchObject([{ unit: "b", accepted: true, rebuilt: false, matches: null }]);
    expect(readFileSync(join(dir, "units/b.md"), "utf8")).toBe(AMENDED_B_PROMPT);
    expect(readFileSync(join(dir, "src/b.js"), "utf8")).toBe(EDITED_B);
    expect(readFileSync(join(dir, "specprompt.lock"), "utf8")).toBe(lockBefore);
  });
});
