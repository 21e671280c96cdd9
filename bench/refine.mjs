// The refine loop's own cost per iteration: everything a round of validate → refine adds beyond
// the model and the test command. A package of 20 units with one test file each; the model gets
// one unit wrong twice and fixes it on the third round. Per iteration we measure the time between
// the end of one validation and the end of the next, and subtract what is not ours: the fake
// model server's latency for every request of the round, and the test command's own measured
// duration. Medians over several fresh builds, in-process through the library.
//   npm run bench:refine        (or: node bench/refine.mjs --quick)
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { startFakeModelServer } from "../test/support/fake-model-server.mjs";
import { median } from "./timing.mjs";

const quick = process.argv.includes("--quick");
const RUNS = quick ? 3 : 7;
const UNITS = 20;
const LATENCY_MS = 50;
const LIMIT_MS = 100;
const work = resolve("bench/.work/refine");
const { runBuild } = await import("../dist/lib/index.js");

const moduleOf = (i, value) => `export function value${i}() {\n  return ${value};\n}\n`;

/** A fresh package: units u0..u19, each owning src/u<i>.js, each with its own node:test file. */
function makePackage(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "units"), { recursive: true });
  mkdirSync(join(dir, "test"), { recursive: true });
  const lines = [
    "name: refine-bench",
    "version: 1.0.0",
    "core: core.md",
    "model: openai:bench-model",
    "out: .",
    "validation:",
    "  criteria: acceptance.md",
    "  tests: [test/**]",
    "  command: node --test",
    "units:",
  ];
  const criteria = ["# Criteria", ""];
  for (let i = 0; i < UNITS; i++) {
    lines.push(`  u${i}: { prompt: units/u${i}.md, owns: [src/u${i}.js] }`);
    writeFileSync(
      join(dir, "units", `u${i}.md`),
      `Write src/u${i}.js exporting value${i}() that returns ${i}.\n`,
    );
    writeFileSync(
      join(dir, "test", `u${i}.test.js`),
      `import assert from "node:assert/strict";\nimport { test } from "node:test";\nimport { value${i} } from "../src/u${i}.js";\n\ntest("AC-${i + 1}: value${i} returns ${i}", () => {\n  assert.equal(value${i}(), ${i});\n});\n`,
    );
    criteria.push(`- AC-${i + 1}: value${i}() returns ${i}.`);
  }
  writeFileSync(join(dir, "specprompt.yaml"), `${lines.join("\n")}\n`);
  writeFileSync(join(dir, "core.md"), "# bench\n\nTwenty small modules.\n");
  writeFileSync(join(dir, "acceptance.md"), `${criteria.join("\n")}\n`);
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
}

const server = await startFakeModelServer({ latencyMs: LATENCY_MS });
server.setHandler((request) => {
  const messages = request.body.messages;
  const first = messages.find((message) => message.role === "user").content;
  const i = Number(/## Your task: unit `u(\d+)`/.exec(first)[1]);
  if (messages.at(-1).role === "tool") return { text: "done", usage: { input: 10, output: 2 } };
  const round =
    messages.filter((message) => message.role === "user").length > 1
      ? Number(/attempt (\d+) of/.exec(messages.at(-1).content)[1]) + 1
      : 1;
  // u7 returns the wrong value in rounds 1 and 2 (differently, so each round changes something).
  const value = i === 7 && round < 3 ? `${i} + ${round}` : String(i);
  return {
    toolCalls: [{ name: "write_file", input: { path: `src/u${i}.js`, content: moduleOf(i, value) } }],
    usage: { input: 400, output: 60 },
  };
});

const overheads = [];
const totals = [];
mkdirSync(work, { recursive: true });
const template = join(work, "template");
makePackage(template);
try {
  for (let run = 0; run < RUNS; run++) {
    const dir = join(work, `run-${run}`);
    rmSync(dir, { recursive: true, force: true });
    cpSync(template, dir, { recursive: true });
    const marks = [];
    const started = performance.now();
    const result = await runBuild({
      dir,
      cwd: process.cwd(),
      env: { PATH: process.env.PATH, OPENAI_BASE_URL: server.openaiBaseURL, OPENAI_API_KEY: "bench" },
      reporter: (event) => {
        if (event.type === "validation-done")
          marks.push({
            at: performance.now(),
            commandMs: event.result.durationMs,
            requests: server.requests.length,
          });
      },
    });
    totals.push(performance.now() - started);
    if (result.status !== "built" || result.iterations !== 3)
      throw new Error(`expected a build in 3 iterations, got ${result.status} in ${result.iterations}`);
    for (let i = 1; i < marks.length; i++) {
      const requests = marks[i].requests - marks[i - 1].requests;
      overheads.push(marks[i].at - marks[i - 1].at - requests * LATENCY_MS - marks[i].commandMs);
    }
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  await server.close();
}

const overhead = median(overheads);
const ok = overhead <= LIMIT_MS;
console.log(
  `refine loop overhead per iteration (${UNITS} units, 1 refined, model latency and test command subtracted): ` +
    `median ${overhead.toFixed(1)} ms over ${overheads.length} iterations (min ${Math.min(...overheads).toFixed(1)}, max ${Math.max(...overheads).toFixed(1)}); ` +
    `limit ${LIMIT_MS} ms ${ok ? "ok" : "EXCEEDED"}; whole build median ${Math.round(median(totals))} ms`,
);
process.exit(ok ? 0 : 1);
