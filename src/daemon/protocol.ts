import { join } from "node:path";
import { localStateDir } from "../package/local-state.js";

/**
 * `specprompt daemon` keeps one package's commands warm: a long-running process that the CLI
 * hands `build`, `plan`, `status` and `check` to over a Unix socket, so a run pays neither Node's
 * module loading nor cold code, and a `status` (or `plan`, `check`) that nothing has changed since
 * is answered from memory: the daemon watches the package's files, the way git's fsmonitor lets
 * `git status` skip statting every file. Everything here is shared by the client (bundled into the
 * CommonJS fast path) and the server.
 *
 * The wire: one JSON line from the client (a DaemonRequest), then JSON lines from the daemon:
 * `{ "out": text }`, `{ "err": text }`, and last `{ "exit": code }` (or `{ "fallback": reason }`
 * when the client should run the command itself).
 */

/** The commands a daemon answers; everything else always runs in the CLI process. */
export const DAEMON_COMMANDS: ReadonlySet<string> = new Set(["build", "plan", "status", "check"]);

/** Commands that only read: their output is kept and replayed while nothing the package reads changes. */
export const CACHED_COMMANDS: ReadonlySet<string> = new Set(["plan", "status", "check"]);

/** Where a running daemon says how to reach it: pid, version and socket path. */
export function daemonInfoPath(pkgDir: string): string {
  return join(localStateDir(pkgDir), "daemon.json");
}

export interface DaemonInfo {
  pid: number;
  version: string;
  socket: string;
  startedAt: string;
}

export interface DaemonRequest {
  /** The client's specprompt version: a daemon of another version answers `fallback`. */
  version: string;
  argv: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: { isTTY: boolean; columns?: number };
  stderr: { isTTY: boolean; columns?: number };
  /** `stop` asks the daemon to exit (after the command it is running). */
  stop?: boolean;
}

export type DaemonReply = { out: string } | { err: string } | { exit: number } | { fallback: string };

/** Flags of the daemon's commands that take the next argument as their value. */
const VALUE_FLAGS = new Set([
  "--set",
  "--model",
  "--target",
  "--concurrency",
  "--max-iterations",
  "--timeout",
  "--retries",
]);

/**
 * The first positional argument of a command line: the package folder (or manifest), "." by
 * default. Only used to find a daemon; the daemon itself checks the package is its own.
 */
export function packageArgument(argv: string[]): string {
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (VALUE_FLAGS.has(arg)) i++;
    else if (!arg.startsWith("-")) return arg;
  }
  return ".";
}
