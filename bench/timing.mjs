// What every benchmark script shares: running a child process with a clean environment and timing
// it, and the median of a series.
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";

/**
 * Runs `node ...args` with only PATH (plus `env`) set, so nothing in the caller's environment
 * (NODE_OPTIONS, NODE_EXTRA_CA_CERTS, keys) changes what is measured.
 */
export function runNode(args, { cwd, env = {} } = {}) {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      cwd,
      env: { PATH: process.env.PATH, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", fail);
    child.on("close", (code) => done({ code, ms: performance.now() - started, stdout, stderr }));
  });
}

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
