// `specprompt status` on a package with 10,000 tracked files, against `node -e 0` run in the same
// script, interleaved run by run; the figure is the ratio of the medians.
//   npm run bench:status            (or: node bench/status.mjs --quick)
// Two shapes of the same 10,000 generated files: 1,000 units of 10 files (status stats 10,000
// outputs and 1,000 unit prompts), and 10,000 units of one file (10,000 outputs and 10,000 prompts).
// Status runs inside the package folder, as one runs git status.
import { appendFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { makeBuiltPackage } from "./make-package.mjs";
import { median, runNode } from "./timing.mjs";

const quick = process.argv.includes("--quick");
const RUNS = quick ? 5 : 15;
const work = resolve("bench/.work");
const cli = resolve("bin/specprompt.js");
const results = [];

const run = (args, cwd) => runNode(args, { cwd });

for (const [units, filesPerUnit, limit] of [
  [1000, 10, 2],
  [10000, 1, 2],
]) {
  const dir = join(work, `status-${units}x${filesPerUnit}`);
  const setup = performance.now();
  await makeBuiltPackage(dir, units, { filesPerUnit });
  console.error(
    `built ${units} units × ${filesPerUnit} files in ${Math.round(performance.now() - setup)} ms`,
  );
  // Files written less than 2 s ago are hashed again on every status (their mtime may still
  // change within the file system's tick), so wait that out; then one run fills the index.
  await sleep(2100);
  const first = await run([cli, "status"], dir);
  if (first.code !== 0) throw new Error(`status failed (${first.code}): ${first.stderr}`);
  const ours = [];
  const base = [];
  for (let i = 0; i < RUNS; i++) {
    base.push((await run(["-e", "0"], dir)).ms);
    const result = await run([cli, "status"], dir);
    if (result.code !== 0 || !/: clean — 10000 generated files/.test(result.stdout))
      throw new Error(`unexpected status (${result.code}): ${result.stdout}${result.stderr}`);
    ours.push(result.ms);
  }
  const ratio = median(ours) / median(base);
  results.push({
    label: `status, 10,000 files in ${units.toLocaleString("en")} units`,
    ms: median(ours),
    baseMs: median(base),
    ratio,
    limit,
    ok: ratio <= limit,
  });
  // The same with `specprompt daemon` running: it watches the files and answers from memory.
  const daemon = await run([cli, "daemon", "--detach"], dir);
  if (daemon.code !== 0) throw new Error(`daemon did not start: ${daemon.stderr}`);
  await run([cli, "status"], dir); // its first status computes the answer it then keeps
  const served = [];
  const served0 = [];
  for (let i = 0; i < RUNS; i++) {
    served0.push((await run(["-e", "0"], dir)).ms);
    const result = await run([cli, "status"], dir);
    if (result.code !== 0 || !/: clean — 10000 generated files/.test(result.stdout))
      throw new Error(
        `unexpected status through the daemon (${result.code}): ${result.stdout}${result.stderr}`,
      );
    served.push(result.ms);
  }
  await run([cli, "daemon", "--stop"], dir);
  const servedRatio = median(served) / median(served0);
  results.push({
    label: `  … daemon running (${units.toLocaleString("en")} units)`,
    ms: median(served),
    baseMs: median(served0),
    ratio: servedRatio,
    limit,
    ok: servedRatio <= limit,
  });
}

console.log("\nbenchmark                                        ours       node -e 0   ratio   limit");
for (const r of results) {
  console.log(
    `${r.ok ? "ok  " : "FAIL"} ${r.label.padEnd(44)} ${`${r.ms.toFixed(1)} ms`.padStart(9)}  ${`${r.baseMs.toFixed(1)} ms`.padStart(9)}  ${`${r.ratio.toFixed(2)}×`.padStart(6)}  ≤ ${r.limit}×`,
  );
}
if (process.env.BENCH_JSON)
  appendFileSync(
    process.env.BENCH_JSON,
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, results })}\n`,
  );
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
