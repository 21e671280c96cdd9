import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { closedBaseURL } from "../support/closed-port.js";
import { startFakeModelServer } from "../support/fake-model-server.mjs";
import { createTempRoot, makePackage, removeTempRoots, snapshotTree } from "../support/make-package.js";
import { fakeModelEnv, isToolFollowUp, userText } from "../support/model-writer.js";
import { parseJsonOutput, runCli } from "../support/run-cli.js";

afterAll(removeTempRoots);

/** One core, two stacks: JavaScript validated with node --test, and a Python module. */
const TARGETS = {
  js: {
    guide: "guides/js.md",
    out: "js",
    validation: { command: "node --test", tests: ["test/**"] },
  },
  py: { guide: "guides/py.md", out: "py", units: { greet: { owns: ["greet.py"] } } },
};

const FILES = {
  js: { "greet.js": 'export const greet = (name) => "hello " + name;\n' },
  py: { "greet.py": 'def greet(name):\n    return f"hello {name}"\n' },
};

interface TargetLockJson {
  name: string;
  units?: unknown;
  targets: Record<
    string,
    { build: { id: string }; units: Record<string, { outputs: Record<string, string> }> }
  >;
}

interface BuildJson {
  status: string;
  targets: Array<{ status: string; package: { target: string }; units: Array<{ unit: string }> }>;
}

interface PlanJson {
  targets: Array<{ target: string; units: Array<{ unit: string; action: string; reasons: string[] }> }>;
}

/** A package with targets and a fake model that writes the files of whichever stack the guide names. */
async function setUp(targets: Record<string, unknown> = TARGETS) {
  const server = await startFakeModelServer();
  const asked: string[] = [];
  server.setHandler((request) => {
    if (isToolFollowUp(request)) return { text: "Done." };
    const target = userText(request).includes("(guides/py.md)") ? "py" : "js";
    asked.push(target);
    return {
      toolCalls: Object.entries(FILES[target]).map(([path, content]) => ({
        name: "write_file",
        input: { path, content },
      })),
      usage: { input: 10, output: 5 },
    };
  });
  const { dir } = await makePackage({
    units: { greet: { prompt: "Export greet(name).\n", owns: ["greet.js"] } },
    tests: {
      "js/test/greet.test.js":
        'import { test } from "node:test";\nimport assert from "node:assert";\nimport { greet } from "../greet.js";\ntest("greets", () => assert.equal(greet("x"), "hello x"));\n',
      "js/package.json": '{ "type": "module" }\n',
    },
    files: { "guides/js.md": "Plain ES modules.\n", "guides/py.md": "Python 3.12, no dependencies.\n" },
    manifest: { targets, validation: undefined },
  });
  const env = fakeModelEnv(server);
  const cli = (...args: string[]) => runCli(args, { cwd: dir, env });
  const lock = () => JSON.parse(readFileSync(join(dir, "specprompt.lock"), "utf8")) as TargetLockJson;
  const plan = async (...args: string[]) => {
    const result = await cli("plan", "--json", ...args);
    expect(result.code, result.stderr).toBe(0);
    return parseJsonOutput<PlanJson>(result).targets.map((one) => ({
      target: one.target,
      stale: one.units.filter((unit) => unit.action !== "keep"),
    }));
  };
  return { server, dir, asked, cli, lock, plan, close: () => server.close() };
}

describe("targets: one core built to several stacks", () => {
  test("builds every target into its own out with its own lock section, then nothing", async () => {
    const pkg = await setUp();
    try {
      const first = await pkg.cli("build", "--json");
      expect(first.code, first.stderr).toBe(0);
      const built = parseJsonOutput<BuildJson>(first);
      expect(built.status).toBe("built");
      expect(built.targets.map((one) => [one.package.target, one.status])).toEqual([
        ["js", "built"],
        ["py", "built"],
      ]);
      expect(readFileSync(join(pkg.dir, "js/greet.js"), "utf8")).toBe(FILES.js["greet.js"]);
      expect(readFileSync(join(pkg.dir, "py/greet.py"), "utf8")).toBe(FILES.py["greet.py"]);
      expect(existsSync(join(pkg.dir, "py/greet.js"))).toBe(false);
      const lock = pkg.lock();
      expect(lock.units).toBeUndefined();
      expect(Object.keys(lock.targets)).toEqual(["js", "py"]);
      expect(Object.keys(lock.targets.js!.units.greet!.outputs)).toEqual(["greet.js"]);
      expect(Object.keys(lock.targets.py!.units.greet!.outputs)).toEqual(["greet.py"]);

      const requests = pkg.server.requests.length;
      const again = await pkg.cli("build");
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain("e2e-pkg@0.1.0 (target js) is up to date");
      expect(again.stdout).toContain("e2e-pkg@0.1.0 (target py) is up to date");
      expect(pkg.server.requests.length).toBe(requests);
    } finally {
      await pkg.close();
    }
  });

  test("a target's guide regenerates that target alone; a shared layer regenerates both", async () => {
    const pkg = await setUp();
    try {
      expect((await pkg.cli("build")).code).toBe(0);
      const before = pkg.lock();
      writeFileSync(join(pkg.dir, "guides/py.md"), "Python 3.12, type hints everywhere.\n");

      const stale = await pkg.plan();
      expect(stale.map((one) => [one.target, one.stale.map((unit) => unit.unit)])).toEqual([
        ["js", []],
        ["py", ["greet"]],
      ]);
      expect(stale[1]!.stale[0]!.reasons).toContain("guide changed");
      pkg.asked.length = 0;
      const rebuilt = await pkg.cli("build");
      expect(rebuilt.code, rebuilt.stderr).toBe(0);
      expect(pkg.asked).toEqual(["py"]);
      const after = pkg.lock();
      expect(after.targets.js).toEqual(before.targets.js);
      expect(after.targets.py!.build.id).not.toBe(before.targets.py!.build.id);

      writeFileSync(join(pkg.dir, "core.md"), "# e2e\n\nGreets people politely.\n");
      pkg.asked.length = 0;
      const onlyJs = await pkg.cli("build", "--target", "js");
      expect(onlyJs.code, onlyJs.stderr).toBe(0);
      expect(pkg.asked).toEqual(["js"]);
      expect((await pkg.plan()).map((one) => [one.target, one.stale.length])).toEqual([
        ["js", 0],
        ["py", 1],
      ]);
    } finally {
      await pkg.close();
    }
  });

  test("--target must name a target; prompt and --from-lock need one", async () => {
    const pkg = await setUp();
    try {
      const unknown = await pkg.cli("build", "--target", "pyy");
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain("has no target 'pyy'; did you mean 'py'?");

      const ambiguous = await pkg.cli("prompt", "--unit", "greet");
      expect(ambiguous.code).toBe(2);
      expect(ambiguous.stderr).toContain("pass --target js");

      const shown = await pkg.cli("prompt", "--unit", "greet", "--target", "py");
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toContain("Python 3.12, no dependencies.");
      expect(shown.stdout).toContain("Owned paths (relative to the output root): `greet.py`");
      expect(shown.stdout).not.toContain("Plain ES modules.");

      expect((await pkg.cli("build")).code).toBe(0);
      const fromLock = await pkg.cli("prompt", "--from-lock", "--unit", "greet", "--target", "py", "--json");
      expect(fromLock.code, fromLock.stderr).toBe(0);
      expect(fromLock.stdout).toContain("Python 3.12, no dependencies.");
    } finally {
      await pkg.close();
    }
  });

  test("status, check, diff and blame report per target and find a file's target from its path", async () => {
    const pkg = await setUp();
    try {
      expect((await pkg.cli("build")).code).toBe(0);
      writeFileSync(join(pkg.dir, "py/greet.py"), 'def greet(name):\n    return "hi " + name\n');

      const status = await pkg.cli("status", "--json");
      expect(status.code, status.stderr).toBe(0);
      const reports = parseJsonOutput<{
        targets: Array<{ target: string; files: Array<{ path: string; state: string }> }>;
      }>(status).targets;
      expect(
        reports.map((report) => [report.target, report.files.map((file) => `${file.path} ${file.state}`)]),
      ).toEqual([
        ["js", ["greet.js clean"]],
        ["py", ["greet.py modified"]],
      ]);

      const check = await pkg.cli("check");
      expect(check.code).toBe(1);
      expect(check.stdout).toContain("e2e-pkg@0.1.0 (target js): check passed");
      expect(check.stdout).toContain("e2e-pkg@0.1.0 (target py): check failed");
      expect((await pkg.cli("check", "--target", "js")).code).toBe(0);

      const diff = await pkg.cli("diff", "py/greet.py");
      expect(diff.code, diff.stderr).toBe(0);
      expect(diff.stdout).toContain('-    return f"hello {name}"');
      expect(diff.stdout).toContain('+    return "hi " + name');

      const blame = await pkg.cli("blame", "py/greet.py", "--json");
      expect(blame.code, blame.stderr).toBe(0);
      expect(parseJsonOutput<{ package: { target: string }; unit: string }>(blame)).toMatchObject({
        package: { target: "py" },
        unit: "greet",
      });
      const outside = await pkg.cli("blame", "guides/py.md");
      expect(outside.code).toBe(2);
      expect(outside.stderr).toContain("guides/py.md is in no target's output tree");
    } finally {
      await pkg.close();
    }
  });

  test("a target never built is reported as such while the others are checked, and --target keeps files in its tree", async () => {
    const pkg = await setUp({
      ...TARGETS,
      py: { ...TARGETS.py, validation: { command: 'node -e "process.exit(1)"' } },
    });
    try {
      const built = await pkg.cli("build", "--max-iterations", "1");
      expect(built.code).toBe(1);
      expect(Object.keys(pkg.lock().targets)).toEqual(["js"]);

      const status = await pkg.cli("status", "--json");
      expect(status.code, status.stderr).toBe(0);
      const shown = parseJsonOutput<{ targets: Array<{ target: string }>; notBuilt: string[] }>(status);
      expect(shown.targets.map((report) => report.target)).toEqual(["js"]);
      expect(shown.notBuilt).toEqual(["py"]);

      const check = await pkg.cli("check");
      expect(check.code).toBe(1);
      expect(check.stdout).toContain("e2e-pkg@0.1.0 (target js): check passed");
      expect(check.stdout).toContain("target py of e2e-pkg has never been built");
      expect(check.stdout).toContain("hint: run specprompt build --target py");

      const outside = await pkg.cli("diff", "--target", "js", "py/greet.py");
      expect(outside.code).toBe(2);
      expect(outside.stderr).toContain(
        "py/greet.py is in the output tree of target py, which --target leaves out",
      );
      const empty = await pkg.cli("status", "--target", ",");
      expect(empty.code).toBe(2);
      expect(empty.stderr).toContain("--target needs a target name");
    } finally {
      await pkg.close();
    }
  });

  test("diff <a> <b> compares the target asked for, and refuses one neither side has or several", async () => {
    const pkg = await setUp();
    try {
      const other = join(await createTempRoot(), "pkg");
      cpSync(pkg.dir, other, { recursive: true });
      writeFileSync(join(other, "guides/py.md"), "Python 3.13, no dependencies.\n");

      const py = await runCli(["diff", pkg.dir, other, "--target", "py", "--json"], { cwd: pkg.dir });
      expect(py.code, py.stderr).toBe(0);
      const report = parseJsonOutput<{ target: string; layers: Array<{ path: string; status: string }> }>(py);
      expect(report.target).toBe("py");
      expect(report.layers).toEqual([expect.objectContaining({ path: "guides/py.md", status: "changed" })]);

      const js = await runCli(["diff", pkg.dir, other, "--target", "js", "--json"], { cwd: pkg.dir });
      expect(parseJsonOutput<{ layers: unknown[] }>(js).layers).toEqual([]);

      const unknown = await runCli(["diff", pkg.dir, other, "--target", "go"], { cwd: pkg.dir });
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain("has no target 'go'");
      const several = await runCli(["diff", pkg.dir, other, "--target", "js,py"], { cwd: pkg.dir });
      expect(several.code).toBe(2);
      expect(several.stderr).toContain("compares one target at a time");
    } finally {
      await pkg.close();
    }
  });

  test("targets whose out trees overlap are refused at their manifest line", async () => {
    const { dir } = await makePackage({
      units: { greet: { prompt: "Export greet(name).\n", owns: ["greet.js"] } },
      tests: {},
      files: { "guides/js.md": "ES modules.\n" },
      manifest: {
        targets: { js: { guide: "guides/js.md", out: "gen" }, ts: { out: "gen/ts" } },
        validation: undefined,
      },
    });
    const result = await runCli(["plan"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/specprompt\.yaml:\d+:\d+/);
    expect(result.stderr).toContain("the out trees of targets 'js' (gen) and 'ts' (gen/ts) overlap");
  });

  test("the tempconv example rebuilds both targets offline byte-identical from its committed lock and cache", async () => {
    const dir = join(await createTempRoot(), "tempconv");
    cpSync(join(import.meta.dirname, "..", "..", "examples", "tempconv"), dir, {
      recursive: true,
      filter: (path) => !/[/\\]\.specprompt[/\\](local|tmp|staging)([/\\]|$)/.test(path),
    });
    const committed = snapshotTree(dir);
    for (const generated of ["esm/src", "cjs/lib"]) rmSync(join(dir, generated), { recursive: true });
    const offline = { OPENAI_BASE_URL: await closedBaseURL(), OPENAI_API_KEY: "unused" };

    const built = await runCli(["build", "--offline"], { cwd: dir, env: offline });

    expect(built.code, built.stderr).toBe(0);
    expect(snapshotTree(dir)).toEqual(committed);
    const check = await runCli(["check", "--json"], { cwd: dir, env: offline });
    expect(check.code, check.stdout).toBe(0);
    expect(parseJsonOutput<{ targets: Array<{ target: string; passed: boolean }> }>(check).targets).toEqual([
      expect.objectContaining({ target: "esm", passed: true }),
      expect.objectContaining({ target: "cjs", passed: true }),
    ]);
  });
});
