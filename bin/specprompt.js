#!/usr/bin/env node
// The one place that touches process exit: everything else returns an exit code.
// CommonJS on purpose (bin/package.json): a build with nothing to do, and a status the status index
// answers, are answered by small CommonJS bundles before Node's ESM loader starts, which alone
// costs a fifth of such a run.
"use strict";
const { enableCompileCache } = require("node:module");

// Node 22.1+ keeps compiled code between runs (set NODE_DISABLE_COMPILE_CACHE=1 to turn it off);
// on Node 20 this is a no-op.
enableCompileCache?.();

/**
 * Commands with a fast path: dist/fast/<command>.cjs (a bundle of src/cli/fast-<command>.ts) and the
 * function that answers the command, or says to run the CLI. It writes with `node:fs` on the file
 * descriptors: setting up `process.stdout` alone costs 2 ms.
 */
const FAST = { build: "tryFastBuild", status: "tryFastStatus" };

/** Commands `specprompt daemon` can answer (src/daemon/protocol.ts DAEMON_COMMANDS). */
const DAEMON_COMMANDS = new Set(["build", "plan", "status", "check"]);

async function run() {
  const argv = process.argv.slice(2);
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
    print(`${require("../package.json").version}\n`);
    return 0;
  }
  if (argv.length === 1 && (argv[0] === "--help" || argv[0] === "-h")) {
    // Written by scripts/build.mjs from the CLI's own help; the CLI prints it if the file is missing.
    const help = readOrNothing(`${__dirname}/../dist/fast/help.txt`);
    if (help !== undefined) {
      print(help);
      return 0;
    }
  }
  if (DAEMON_COMMANDS.has(argv[0])) {
    // A package whose daemon runs (specprompt daemon) has the command answered there.
    const daemon = require("../dist/fast/daemon.cjs");
    const io = {
      cwd: process.cwd(),
      env: process.env,
      stdout: daemon.fdOutput(1),
      stderr: daemon.fdOutput(2),
    };
    // isatty, not process.stdout.isTTY: setting up the stream costs more than the whole answer.
    const { isatty } = require("node:tty");
    for (const [fd, output] of [
      [1, io.stdout],
      [2, io.stderr],
    ]) {
      output.isTTY = isatty(fd);
      if (output.isTTY) output.columns = (fd === 1 ? process.stdout : process.stderr).columns;
    }
    const code = await daemon.tryDaemon(argv, io);
    if (code !== undefined) return code;
  }
  if (Object.hasOwn(FAST, argv[0] ?? "")) {
    const fast = require(`../dist/fast/${argv[0]}.cjs`);
    const io = { cwd: process.cwd(), env: process.env, stdout: fast.fdOutput(1), stderr: fast.fdOutput(2) };
    const code = await fast[FAST[argv[0]]](argv, io);
    if (code !== undefined) return code;
  }
  const { runCli } = await import("../dist/cli/cli.js");
  return runCli();
}

/** Write to stdout; a reader that went away (`specprompt --help | head -1`) is not an error. */
function print(text) {
  process.stdout.on("error", (error) => {
    if (error.code !== "EPIPE") throw error;
  });
  process.stdout.write(text);
}

function readOrNothing(path) {
  try {
    return require("node:fs").readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

run().then((code) => {
  process.exitCode = code;
});
