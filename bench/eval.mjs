// Eval benchmark: the same cases through `specprompt eval` and through promptfoo 0.121.20, side
// by side, against the fake model server with a fixed latency. Each run is a child process whose
// CPU time and peak RSS are read with process.resourceUsage() as it exits.
//   npm run bench:eval       (or: node bench/eval.mjs [--quick] [--no-promptfoo])
// promptfoo is installed on demand into bench/.work/promptfoo (outside the project's
// dependencies); when that fails, our side still runs and the report says promptfoo was skipped.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { startFakeModelServer } from "../test/support/fake-model-server.mjs";

const PROMPTFOO_VERSION = "0.121.20";
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const work = resolve("bench/.work/eval");
// BENCH_BUILD points at another copy of bin/ and dist/ (a private build while dist/ is being rebuilt).
const build = resolve(process.env.BENCH_BUILD ?? ".");
const cli = join(build, "bin/specprompt.js");
const promptfooDir = resolve("bench/.work/promptfoo");
const promptfooMain = join(promptfooDir, "node_modules/promptfoo/dist/src/main.js");

// Child mode: the provider layer alone, for the per-call CPU split (see measureProviderShare).
if (args[0] === "--child-calls") {
  await childCalls(args[1], args[2], Number(args[3]), Number(args[4]));
  process.exit(0);
}

const CALLS = quick ? 1000 : 4000;
const LATENCY_MS = 50;
const CONCURRENCY = 50;
const BIG = quick ? 5000 : 20000;
const results = [];
const notes = [];

// Reads the child's own resource usage at exit: CPU of the whole process (all threads), peak RSS.
const PRELOAD = `data:text/javascript,${encodeURIComponent(
  'import{writeFileSync}from"node:fs";process.on("exit",()=>{const u=process.resourceUsage();' +
    "writeFileSync(process.env.BENCH_USAGE_FILE,JSON.stringify({cpuMs:(u.userCPUTime+u.systemCPUTime)/1000,maxRssMB:u.maxRSS/1024}))});",
)}`;

/** Runs `node <args>` measured; resolves { code, wallMs, cpuMs, maxRssMB, stdout, stderr }. */
function measure(nodeArgs, { env = {}, cwd = process.cwd(), timeoutMs = 600_000 } = {}) {
  const usageFile = join(work, `usage-${process.pid}-${Math.random().toString(16).slice(2)}.json`);
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(process.execPath, ["--import", PRELOAD, ...nodeArgs], {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, BENCH_USAGE_FILE: usageFile, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", fail);
    child.on("close", (code) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      let usage = { cpuMs: Number.NaN, maxRssMB: Number.NaN };
      try {
        usage = JSON.parse(readFileSync(usageFile, "utf8"));
        rmSync(usageFile);
      } catch {}
      done({ code, wallMs, ...usage, stdout, stderr });
    });
  });
}

/** A `kind: prompt` package whose cases are also a promptfoo config, over the same JSONL file. */
function makePackage(name, cases, baseURL) {
  const dir = join(work, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "evals"), { recursive: true });
  writeFileSync(
    join(dir, "specprompt.yaml"),
    [
      `name: ${name}`,
      "version: 1.0.0",
      "kind: prompt",
      "template: prompt.md",
      "model: openai:gpt-4o-mini",
      "modelParams: { temperature: 0 }",
      "evals: [evals/cases.jsonl]",
      "threshold: 0.9",
      "",
    ].join("\n"),
  );
  writeFileSync(join(dir, "prompt.md"), "[system]\nAnswer in one short sentence.\n[user]\n{{question}}\n");
  const lines = [];
  for (let i = 0; i < cases; i++) {
    lines.push(
      JSON.stringify({
        description: `question ${i}`,
        vars: { question: `What is ${i} + ${i}?` },
        assert: [{ type: "contains", value: String(2 * i) }],
      }),
    );
  }
  writeFileSync(join(dir, "evals/cases.jsonl"), `${lines.join("\n")}\n`);
  // promptfoo: the same messages, the same cases file, the same endpoint.
  writeFileSync(
    join(dir, "prompt.json"),
    JSON.stringify([
      { role: "system", content: "Answer in one short sentence." },
      { role: "user", content: "{{question}}" },
    ]),
  );
  writeFileSync(
    join(dir, "promptfooconfig.yaml"),
    [
      "prompts: [file://prompt.json]",
      "providers:",
      "  - id: openai:chat:gpt-4o-mini",
      `    config: { apiBaseUrl: "${baseURL}", temperature: 0 }`,
      "tests: file://evals/cases.jsonl",
      "",
    ].join("\n"),
  );
  return dir;
}

/** The model: answers "<2i>." for "What is i + i?", like a model that can add. */
function answer(request) {
  const question = request.body?.messages?.at(-1)?.content ?? "";
  const match = /What is (\d+) \+/.exec(typeof question === "string" ? question : JSON.stringify(question));
  return {
    text: match ? `It is ${2 * Number(match[1])}.` : "I do not know.",
    usage: { input: 20, output: 5 },
  };
}

function ours(dir, baseURL, extra = []) {
  return measure([cli, "eval", dir, "--concurrency", String(CONCURRENCY), "--json", ...extra], {
    env: { OPENAI_BASE_URL: baseURL, OPENAI_API_KEY: "bench" },
  });
}

function promptfoo(dir, _baseURL, extra = []) {
  return measure(
    [
      promptfooMain,
      "eval",
      "-c",
      join(dir, "promptfooconfig.yaml"),
      "-j",
      String(CONCURRENCY),
      "--no-table",
      "--no-progress-bar",
      "--no-write",
      "-o",
      join(dir, "promptfoo-out.json"),
      ...extra,
    ],
    {
      cwd: dir,
      env: {
        OPENAI_API_KEY: "bench",
        PROMPTFOO_DISABLE_TELEMETRY: "1",
        PROMPTFOO_DISABLE_UPDATE: "1",
        PROMPTFOO_CONFIG_DIR: join(dir, ".promptfoo"),
        PROMPTFOO_CACHE_PATH: join(dir, ".promptfoo-cache"),
        PROMPTFOO_DISABLE_SHARING: "1",
      },
    },
  );
}

function ensurePromptfoo() {
  if (args.includes("--no-promptfoo")) return "skipped (--no-promptfoo)";
  try {
    const installed = JSON.parse(
      readFileSync(join(promptfooDir, "node_modules/promptfoo/package.json"), "utf8"),
    );
    if (installed.version === PROMPTFOO_VERSION) return undefined;
  } catch {}
  console.error(`installing promptfoo ${PROMPTFOO_VERSION} into ${promptfooDir} ...`);
  mkdirSync(promptfooDir, { recursive: true });
  if (!existsSync(join(promptfooDir, "package.json"))) {
    writeFileSync(join(promptfooDir, "package.json"), '{ "name": "promptfoo-bench", "private": true }\n');
  }
  const install = spawnSync(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--omit=optional",
      `promptfoo@${PROMPTFOO_VERSION}`,
      "@libsql/linux-x64-gnu",
    ],
    { cwd: promptfooDir, encoding: "utf8", timeout: 900_000 },
  );
  if (install.status !== 0 || !existsSync(promptfooMain)) {
    return `skipped (npm install failed: ${(install.stderr || install.error?.message || "").trim().split("\n").at(-1)})`;
  }
  return undefined;
}

function record(label, figures) {
  results.push({ label, ...figures });
}

const countRequests = (server) => server.requests.length;

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const promptfooSkipped = ensurePromptfoo();
const server = await startFakeModelServer({ latencyMs: LATENCY_MS });
server.setHandler(answer);

// 1. Cold cache: CALLS calls at LATENCY_MS, concurrency 50.
const ideal = (CALLS * LATENCY_MS) / CONCURRENCY;
{
  const dir = makePackage("cold", CALLS, server.openaiBaseURL);
  const before = countRequests(server);
  const run = await ours(dir, server.openaiBaseURL);
  const report = JSON.parse(run.stdout);
  if (report.summary.total !== CALLS || report.summary.passed !== CALLS) {
    throw new Error(`cold run: expected ${CALLS} passing results, got ${JSON.stringify(report.summary)}`);
  }
  const requests = countRequests(server) - before;
  record(`${CALLS} calls, cold cache`, {
    ours: run,
    checks: [
      ["wall", run.wallMs, 1.3 * ideal, "ms", `1.3 × ideal ${ideal} ms`],
      ["CPU per call", run.cpuMs / CALLS, 0.5, "ms"],
      ["peak RSS", run.maxRssMB, 150, "MB"],
      ["requests", requests, CALLS, ""],
    ],
  });

  // 2. The same run again, three times (the median counts): every call from the cache, no request.
  const beforeCached = countRequests(server);
  const cachedRuns = [];
  for (let i = 0; i < 3; i++) cachedRuns.push(await ours(dir, server.openaiBaseURL));
  const cached = cachedRuns.sort((a, b) => a.wallMs - b.wallMs)[1];
  const cachedReport = JSON.parse(cached.stdout);
  record(`${CALLS} calls, fully cached`, {
    ours: cached,
    checks: [
      ["wall (median of 3)", cached.wallMs, 500, "ms"],
      ["requests", countRequests(server) - beforeCached, 0, ""],
      ["cached results", cachedReport.summary.cachedCalls, CALLS, "", "all"],
    ],
  });

  if (!promptfooSkipped) {
    const cold = await promptfoo(dir, server.openaiBaseURL);
    const warm = await promptfoo(dir, server.openaiBaseURL);
    if (cold.code !== 0 && cold.code !== 100)
      notes.push(`promptfoo cold run exited ${cold.code}: ${cold.stderr.slice(-400)}`);
    results.at(-2).promptfoo = cold;
    results.at(-1).promptfoo = warm;
  }
}

// 3. 20 calls of which 2 get a 429 without headers.
{
  const dir = makePackage("rate-limited", 20, server.openaiBaseURL);
  server.enqueue({ status: 429 }, { status: 429 });
  const before = countRequests(server);
  const run = await measure([cli, "eval", dir, "--json"], {
    env: { OPENAI_BASE_URL: server.openaiBaseURL, OPENAI_API_KEY: "bench" },
  });
  const report = JSON.parse(run.stdout);
  record("20 calls, 2 × 429 without headers", {
    ours: run,
    checks: [
      ["wall", run.wallMs, 3000, "ms"],
      ["requests", countRequests(server) - before, 22, "", "= calls + 429s"],
      ["passed", report.summary.passed, 20, "", "all"],
    ],
  });
  if (!promptfooSkipped) {
    rmSync(join(dir, ".promptfoo-cache"), { recursive: true, force: true });
    server.enqueue({ status: 429 }, { status: 429 });
    const pf = await promptfoo(dir, server.openaiBaseURL, ["--no-cache"]);
    results.at(-1).promptfoo = pf;
  }
}

// 4. 20,000 cases: memory stays bounded (results stream to disk; the cache is an offset index).
{
  const bigServer = await startFakeModelServer({ latencyMs: 5 });
  bigServer.setHandler(answer);
  const dir = makePackage("big", BIG, bigServer.openaiBaseURL);
  const run = await ours(dir, bigServer.openaiBaseURL);
  const report = JSON.parse(run.stdout);
  await bigServer.close();
  record(`${BIG.toLocaleString("en-US")} cases`, {
    ours: run,
    checks: [
      ["peak RSS", run.maxRssMB, 200, "MB"],
      ["results", report.results.length, BIG, "", "all"],
    ],
  });
}

// 5. How much of the per-call CPU is the provider layer: the same calls in one process through
// plain fetch (for scale), and through createProvider().complete (src/providers), at concurrency 50.
const share = await measureProviderShare(server.openaiBaseURL);
await server.close();

printReport();

async function measureProviderShare(baseURL) {
  const figures = {};
  for (const mode of ["fetch", "provider"]) {
    const run = await measure([
      resolve("bench/eval.mjs"),
      "--child-calls",
      mode,
      baseURL,
      String(CALLS),
      String(CONCURRENCY),
    ]);
    if (run.code !== 0) throw new Error(`${mode} child failed: ${run.stderr}`);
    // Start-up, module loading and the first connection are measured with one call and subtracted.
    const idle = await measure([resolve("bench/eval.mjs"), "--child-calls", mode, baseURL, "1", "1"]);
    figures[mode] = (run.cpuMs - idle.cpuMs) / (CALLS - 1);
  }
  return figures;
}

async function childCalls(mode, baseURL, calls, concurrency) {
  const body = (i) => ({
    model: "gpt-4o-mini",
    temperature: 0,
    messages: [
      { role: "system", content: "Answer in one short sentence." },
      { role: "user", content: `What is ${i} + ${i}?` },
    ],
  });
  let call;
  if (mode === "fetch") {
    call = async (i) => {
      const response = await fetch(`${baseURL}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer bench" },
        body: JSON.stringify(body(i)),
      });
      return (await response.json()).choices[0].message.content;
    };
  } else {
    const { createProvider } = await import(pathToFileURL(join(build, "dist/lib/index.js")).href);
    const provider = await createProvider("openai:gpt-4o-mini", {
      env: { OPENAI_BASE_URL: baseURL, OPENAI_API_KEY: "bench" },
      timeoutMs: 60_000,
      maxRetries: 0,
    });
    // As the eval runner calls it: with an abort signal per call (its per-attempt time limit).
    call = async (i) => {
      const request = body(i);
      const response = await provider.complete(
        { model: "gpt-4o-mini", messages: request.messages, tools: [], params: { temperature: 0 } },
        { signal: new AbortController().signal },
      );
      return response.text;
    };
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, calls) }, async () => {
      while (next < calls) await call(next++);
    }),
  );
}

function printReport() {
  const fmt = (value, unit) =>
    Number.isFinite(value)
      ? `${unit === "ms" && value >= 100 ? Math.round(value) : Number(value.toFixed(value < 10 ? 2 : 1))}${unit ? ` ${unit}` : ""}`
      : "—";
  let ok = true;
  console.log(
    `\neval benchmark: fake model at ${LATENCY_MS} ms, concurrency ${CONCURRENCY}, node ${process.version}`,
  );
  console.log(`promptfoo ${PROMPTFOO_VERSION}: ${promptfooSkipped ?? "installed"}\n`);
  console.log(
    `${"scenario".padEnd(36)} ${"ours wall".padStart(10)} ${"cpu/call".padStart(9)} ${"peak RSS".padStart(9)}   ${"promptfoo wall".padStart(14)} ${"cpu/call".padStart(9)} ${"peak RSS".padStart(9)}   ${"wall ratio".padStart(10)}`,
  );
  for (const r of results) {
    const calls = r.label.startsWith("20 calls") ? 20 : r.label.includes("cases") ? BIG : CALLS;
    const pf = r.promptfoo;
    const ratio = pf ? `${(pf.wallMs / r.ours.wallMs).toFixed(1)}× faster` : "";
    console.log(
      `${r.label.padEnd(36)} ${fmt(r.ours.wallMs, "ms").padStart(10)} ${fmt(r.ours.cpuMs / calls, "ms").padStart(9)} ${fmt(r.ours.maxRssMB, "MB").padStart(9)}   ${(pf ? fmt(pf.wallMs, "ms") : "—").padStart(14)} ${(pf ? fmt(pf.cpuMs / calls, "ms") : "—").padStart(9)} ${(pf ? fmt(pf.maxRssMB, "MB") : "—").padStart(9)}   ${ratio.padStart(10)}`,
    );
  }
  console.log("\ntargets");
  for (const r of results) {
    for (const [name, value, limit, unit, text] of r.checks) {
      const exact = text === "all" || text?.startsWith("=") || unit === "";
      const pass = exact ? value === limit : value <= limit;
      ok &&= pass;
      const bound = exact
        ? `= ${limit}${text && text !== "all" ? ` (${text.replace(/^= /, "")})` : ""}`
        : `≤ ${text ?? `${limit} ${unit}`}`;
      console.log(
        `${pass ? "ok  " : "FAIL"} ${`${r.label}: ${name}`.padEnd(48)} ${fmt(value, unit).padStart(10)}  ${bound}`,
      );
    }
  }
  const cold = results[0];
  console.log(
    `\nper-call CPU of a cold run: ${fmt(cold.ours.cpuMs / CALLS, "ms")} in all, start-up included. The request path alone (the same calls in one process at concurrency ${CONCURRENCY}, start-up subtracted): createProvider().complete (src/providers over node:http) ${fmt(share.provider, "ms")}; plain fetch (undici), for scale, ${fmt(share.fetch, "ms")}`,
  );
  for (const note of notes) console.log(`note: ${note}`);
  if (process.env.BENCH_JSON) {
    writeFileSync(
      process.env.BENCH_JSON,
      `${JSON.stringify({ date: new Date().toISOString(), node: process.version, results: results.map(({ ours, promptfoo: pf, ...rest }) => ({ ...rest, ours: strip(ours), promptfoo: pf && strip(pf) })), share })}\n`,
      { flag: "a" },
    );
  }
  process.exitCode = ok ? 0 : 1;
}

function strip({ stdout, stderr, ...figures }) {
  return figures;
}
