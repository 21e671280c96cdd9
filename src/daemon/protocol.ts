import { lstatSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
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
  /** Informational: clients never take a socket path from this file (see daemonSocket). */
  socket: string;
  startedAt: string;
}

/**
 * The socket of a package's daemon, derived from the package folder alone: the client never
 * connects where a file in the package says, since a repository could ship one pointing at a
 * socket someone else listens on. In the package's local state, or, where that path is too long
 * for a Unix socket (about 100 bytes), in a per-user folder under the system's temporary folder.
 */
export function daemonSocket(pkgDir: string): string {
  const local = join(localStateDir(pkgDir), "daemon.sock");
  if (Buffer.byteLength(local) <= 100) return local;
  return join(tmpdir(), `specprompt-${process.getuid?.() ?? "user"}`, `${fnv1a(pkgDir)}.sock`);
}

/** A short name for a path (FNV-1a, 32 bits twice): a name only, so no crypto to load on every run. */
function fnv1a(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    a = Math.imul(a ^ text.charCodeAt(i), 0x01000193) >>> 0;
    b = Math.imul(b ^ text.charCodeAt(i), 0x811c9dc5) >>> 0;
  }
  return `${a.toString(16).padStart(8, "0")}${b.toString(16).padStart(8, "0")}`;
}

/**
 * Whether `path` is a socket only this user can use: owned by us, mode 0600, in a folder that is
 * ours and closed to others when it is the shared temporary one. Anything else is not our daemon.
 */
export function isOwnSocket(path: string, pkgDir: string): boolean {
  const uid = process.getuid?.();
  try {
    const socket = lstatSync(path);
    if (!socket.isSocket() || (uid !== undefined && socket.uid !== uid) || (socket.mode & 0o077) !== 0)
      return false;
    if (path.startsWith(localStateDir(pkgDir))) return true;
    const folder = lstatSync(dirname(path));
    return folder.isDirectory() && (uid === undefined || folder.uid === uid) && (folder.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

/** What a running daemon wrote about itself, or undefined when none runs for the package. */
export function readDaemonInfo(pkgDir: string): DaemonInfo | undefined {
  try {
    return JSON.parse(readFileSync(daemonInfoPath(pkgDir), "utf8")) as DaemonInfo;
  } catch {
    return undefined;
  }
}

/** The package folder a command line names: the folder itself, or the manifest's; undefined when it does not exist. */
export function packageFolder(cwd: string, argv: string[]): string | undefined {
  const path = resolve(cwd, packageArgument(argv));
  try {
    return statSync(path).isDirectory() ? path : dirname(path);
  } catch {
    return undefined;
  }
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
