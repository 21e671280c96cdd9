#!/usr/bin/env node
// The one place that touches process exit: everything else returns an exit code.
import { runCli } from "../dist/cli/cli.js";

process.exitCode = await runCli();
