#!/usr/bin/env node
// The one place that touches process exit: everything else returns an exit code.
// CommonJS on purpose (bin/package.json): a build with nothing to do is answered by a small
// CommonJS bundle before Node's ESM loader starts, which alone costs a fifth of such a run.
"use strict";
const { enableCompileCache } = require("node:module");

// Node 22.1+ keeps compiled code between runs (set NODE_DISABLE_COMPILE_CACHE=1 to turn it off);
// on Node 20 this is a no-op.
enableCompileCache?.();

async function run() {
  const argv = process.argv.slice(2);
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
    process.stdout.write(`${require("../package.json").version}\n`);
    return 0;
  }
  if (argv[0] === "build") {
    // As in the CLI: a reader that goes away (`build --json | head`) must not crash the run.
    for (const stream of [process.stdout, process.stderr]) {
      stream.on("error", (error) => {
        if (error.code !== "EPIPE") throw error;
      });
    }
    const { tryFastBuild } = require("../dist/fast/build.cjs");
    const io = { cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr };
    const code = await tryFastBuild(argv, io);
    if (code !== undefined) return code;
  }
  const { runCli } = await import("../dist/cli/cli.js");
  return runCli();
}

run().then((code) => {
  process.exitCode = code;
});
