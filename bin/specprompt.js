#!/usr/bin/env node
// The one place that touches process exit: everything else returns an exit code.
import module from "node:module";

// Node 22.1+ keeps compiled code between runs (set NODE_DISABLE_COMPILE_CACHE=1 to turn it off);
// on Node 20 this is a no-op.
module.enableCompileCache?.();

const { runCli } = await import("../dist/cli/cli.js");
process.exitCode = await runCli();
