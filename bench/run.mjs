// Start-up and incremental-build benchmarks. Every figure is a ratio against a baseline measured
// in the same script, interleaved run by run, so machine speed cancels out.
//   npm run bench            (or: node bench/run.mjs --quick)
import { appendFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { startFakeModelServer } from "../test/support/fake-model-server.mjs";
import { makeBuiltPackage } from "./make-package.mjs";
import { median, runNode } from "./timing.mjs";

const quick = process.argv.includes("--quick");
const RUNS = quick ? 5 : 11;
const work = resolve("bench/.work");
const cli = resolve("bin/specprompt.js");
const results = [];

const run = (args, env = {}) => runNode(args, { env });

/** Median wall time of `args` and of `node -e 0`, interleaved. */
async function versusNode(label, args, limit, check) {
  const ours = [];
  const base = [];
  for (let i = 0; i < RUNS; i++) {
    base.push((await run(["-e", "0"])).ms);
    const result = await run(args);
    if (result.code !== 0) throw new Error(`${label} failed (${result.code}): ${result.stderr}`);
    check?.(result);
    ours.push(result.ms);
  }
  const ratio = median(ours) / median(base);
  results.push({ label, ms: median(ours), baseMs: median(base), ratio, limit, ok: ratio <= limit });
}

await versusNode("specprompt --version", [cli, "--version"], 1.5);
await versusNode("specprompt --help", [cli, "--help"], 1.5);

// No model is configured in these runs (no key, no base URL): a request would fail the build.
const noRequests = (result) => {
  if (!/is up to date/.test(result.stdout)) throw new Error(`not up to date: ${result.stdout}`);
};
for (const [units, limit] of quick
  ? [[1000, 2]]
  : [
      [1000, 2],
      [10000, 4],
    ]) {
  const dir = join(work, `pkg-${units}`);
  const setup = performance.now();
  await makeBuiltPackage(dir, units);
  console.error(`built a ${units}-unit package in ${Math.round(performance.now() - setup)} ms`);
  await run([cli, "build", dir]); // the first run after setup fills the machine-local indexes
  await versusNode(`no-op build, ${units} units`, [cli, "build", dir], limit, noRequests);
}

// Editing one unit of 1,000: exactly one generation over real HTTP. "Our overhead" is the time
// beyond the model's: the fake server records how long it took over each request (its 100 ms
// latency plus its own timer slack), and that is subtracted. Measured in a warm process (what
// `build --watch` and a library user pay per edit: runBuild called again in the same process),
// for a one-shot CLI run (where Node's start-up is subtracted, but loading and compiling our code
// cold is counted), and for a CLI run that `specprompt daemon` answers.
{
  const dir = join(work, "pkg-1000");
  const latencyMs = 100;
  const server = await startFakeModelServer({ latencyMs });
  server.setHandler((request) => {
    const messages = request.body.messages;
    if (messages.at(-1).role === "tool") return { text: "done", usage: { input: 10, output: 2 } };
    const unit = /## Your task: unit `u(\d+)`/.exec(messages.find((m) => m.role === "user").content)[1];
    const content = `export function value${unit}() {\n  return ${unit} + ${server.requests.length};\n}\n`;
    return {
      toolCalls: [{ name: "write_file", input: { path: `src/u${unit}.js`, content } }],
      usage: { input: 100, output: 20 },
    };
  });
  const env = { OPENAI_BASE_URL: server.openaiBaseURL, OPENAI_API_KEY: "bench" };
  const expectOneUnit = (report, requests) => {
    if (report.units.length !== 1 || report.units[0].unit !== "u500" || requests !== 2) {
      throw new Error(
        `expected exactly one generation (2 requests), got ${report.units.length} units, ${requests} requests`,
      );
    }
  };
  const modelMs = (from) => server.requests.slice(from).reduce((sum, request) => sum + request.modelMs, 0);
  const { runBuild } = await import("../dist/lib/index.js");
  const inProcess = [];
  for (let i = 0; i < RUNS + 1; i++) {
    appendFileSync(join(dir, "units", "u500.md"), `Edit ${i}.\n`);
    const before = server.requests.length;
    const started = performance.now();
    // As in `build --watch`: the freshness index is recorded after the build is reported.
    const later = [];
    const report = await runBuild({ dir, cwd: process.cwd(), env, defer: (task) => later.push(task) });
    const wall = performance.now() - started;
    for (const task of later) await task();
    expectOneUnit(report, server.requests.length - before);
    if (i > 0) inProcess.push(wall - modelMs(before)); // the first run loads the modules
  }
  const cliOverheads = [];
  for (let i = 0; i < RUNS; i++) {
    appendFileSync(join(dir, "units", "u500.md"), `CLI edit ${i}.\n`);
    const before = server.requests.length;
    const base = await run(["-e", "0"]);
    const edited = await run([cli, "build", dir, "--json"], env);
    if (edited.code !== 0) throw new Error(`edited build failed: ${edited.stdout}${edited.stderr}`);
    expectOneUnit(JSON.parse(edited.stdout), server.requests.length - before);
    cliOverheads.push(edited.ms - base.ms - modelMs(before));
  }
  const started = await run([cli, "daemon", dir, "--detach"]);
  if (started.code !== 0) throw new Error(`daemon did not start: ${started.stderr}`);
  const daemonOverheads = [];
  for (let i = 0; i < RUNS + 1; i++) {
    appendFileSync(join(dir, "units", "u500.md"), `Daemon edit ${i}.\n`);
    const before = server.requests.length;
    const base = await run(["-e", "0"]);
    const edited = await run([cli, "build", dir, "--json"], env);
    if (edited.code !== 0) throw new Error(`edited build failed: ${edited.stdout}${edited.stderr}`);
    expectOneUnit(JSON.parse(edited.stdout), server.requests.length - before);
    if (i > 0) daemonOverheads.push(edited.ms - base.ms - modelMs(before)); // the first warms it
  }
  await run([cli, "daemon", dir, "--stop"]);
  await server.close();
  const warm = median(inProcess);
  results.push({
    label: "edit 1 of 1,000: overhead, warm (--watch)",
    ms: warm,
    limit: 50,
    ok: warm <= 50,
    unit: "ms",
  });
  const cold = median(cliOverheads);
  results.push({
    label: "edit 1 of 1,000: overhead of a CLI run",
    ms: cold,
    limit: 50,
    ok: cold <= 50,
    unit: "ms",
  });
  const served = median(daemonOverheads);
  results.push({
    label: "edit 1 of 1,000: CLI run, daemon running",
    ms: served,
    limit: 50,
    ok: served <= 50,
    unit: "ms",
  });
}

console.log("\nbenchmark                                        ours       node -e 0   ratio   limit");
for (const r of results) {
  const ratio = r.ratio === undefined ? "" : `${r.ratio.toFixed(2)}×`;
  const limit = r.unit === "ms" ? `≤ ${r.limit} ms` : `≤ ${r.limit}×`;
  console.log(
    `${r.ok ? "ok  " : "FAIL"} ${r.label.padEnd(44)} ${`${r.ms.toFixed(1)} ms`.padStart(9)}  ${r.baseMs ? `${r.baseMs.toFixed(1)} ms`.padStart(9) : "".padStart(9)}  ${ratio.padStart(6)}  ${limit}`,
  );
}
if (process.env.BENCH_JSON)
  appendFileSync(
    process.env.BENCH_JSON,
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, results })}\n`,
  );
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
