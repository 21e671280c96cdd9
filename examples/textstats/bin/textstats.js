#!/usr/bin/env node
// SPDX-License-Identifier: MIT

import { readFileSync } from "node:fs";
import { run } from "../src/cli.js";

// stdin is read only when run() asks for it, i.e. when no FILE is given.
const io = {
  get stdin() {
    return readFileSync(0, "utf8");
  },
  stdout: process.stdout,
  stderr: process.stderr,
};
process.exitCode = run(process.argv.slice(2), io);
