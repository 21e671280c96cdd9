import { chmodSync, lstatSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { dirname, join } from "node:path";
import { claimPidFile } from "../build/build-lock.js";
import type { CliIO, OutputStream } from "../cli/command.js";
import { createLibraryWatch } from "../cli/watch-libraries.js";
import { SpecPromptError } from "../errors.js";
import { MANIFEST_FILE } from "../package/find-manifest.js";
import { listImportedFolders } from "../package/imports/imported-folders.js";
import { localStateDir } from "../package/local-state.js";
import { writeFileAtomicSync } from "../util/atomic-write.js";
import { markWarmProcess } from "../util/warm-process.js";
import { VERSION } from "../version.js";
import {
  CACHED_COMMANDS,
  DAEMON_COMMANDS,
  type DaemonInfo,
  type DaemonReply,
  type DaemonRequest,
  daemonInfoPath,
  daemonSocket,
  packageArgument,
  packageFolder,
} from "./protocol.js";
import { watchPackage } from "./watch-package.js";

export interface DaemonOptions {
  /** Absolute package folder. */
  pkgDir: string;
  /** Exit after this long without a request. */
  idleMs: number;
  /** Runs one command as the CLI would (the CLI's `main`). */
  run: (argv: string[], io: CliIO) => Promise<number>;
  /** Where the daemon says what it does (started, stopped). */
  log: (line: string) => void;
  signal?: AbortSignal;
}

interface CachedAnswer {
  generation: number;
  replies: DaemonReply[];
}

/**
 * Serve the package's commands until idle, stopped or signalled. Requests run one at a time, in
 * this process, through the CLI's own `main`; the replies stream back as they are written. A
 * read-only command's replies are kept and replayed for the same command line and environment
 * while no file of the package (or of a library it imports by path) has changed since it ran.
 */
export async function runDaemon(options: DaemonOptions): Promise<void> {
  const { pkgDir } = options;
  markWarmProcess({ shareLocks: true });
  const infoPath = daemonInfoPath(pkgDir);
  const socketPath = daemonSocket(pkgDir);
  const releaseClaim = claimPackage(pkgDir);
  try {
    prepareSocketFolder(socketPath, pkgDir);
  } catch (error) {
    releaseClaim();
    throw error;
  }
  rmSync(socketPath, { force: true });

  const stopping = new AbortController();
  const stop = () => stopping.abort();
  options.signal?.addEventListener("abort", stop, { once: true });
  let generation = 0;
  const changed = () => {
    generation++;
  };
  const files = watchPackage(pkgDir, stopping.signal, changed);
  const libraries = createLibraryWatch(pkgDir, stopping.signal, changed);
  let refreshedAt = -1;
  let cacheable = false;
  /**
   * After any change: watch the libraries the manifests now import and folders that appeared;
   * anything newly watched may have changed unseen, so it counts as a change. A manifest naming
   * files in unwatched places (dependencies, .git, our state) keeps nothing in memory.
   */
  const refresh = () => {
    const { added } = libraries.update(listImportedFolders(pkgDir));
    if (files.refresh() || added.length > 0) changed();
    cacheable = !/(^|[\s[,"'/:])(node_modules|\.git|\.specprompt)\//m.test(readManifestText(pkgDir));
    refreshedAt = generation;
  };
  refresh();

  const cache = new Map<string, CachedAnswer>();
  let queue = Promise.resolve();
  let idle: NodeJS.Timeout | undefined;
  const resetIdle = () => {
    clearTimeout(idle);
    if (!stopping.signal.aborted) idle = setTimeout(stop, options.idleMs);
  };

  const serve = async (socket: Socket, request: DaemonRequest, gone: AbortSignal) => {
    const send = (reply: DaemonReply) => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(reply)}\n`);
    };
    if (request.stop) {
      send({ exit: 0 });
      socket.end();
      stop();
      return;
    }
    const refusal = refuse(request, pkgDir);
    if (refusal) {
      send({ fallback: refusal });
      socket.end();
      return;
    }
    const key = JSON.stringify([request.argv, request.cwd, request.env, request.stdout, request.stderr]);
    // Let change events that are already queued (a file saved just before this request) land first.
    await new Promise((next) => setImmediate(next));
    if (generation !== refreshedAt) refresh();
    const kept = cache.get(key);
    if (cacheable && files.healthy() && kept?.generation === generation) {
      for (const reply of kept.replies) send(reply);
      socket.end();
      options.log(`${request.argv.join(" ")}: answered from memory (nothing changed)`);
      return;
    }
    const started = generation;
    const replies: DaemonReply[] = [];
    const emit = (reply: DaemonReply) => {
      replies.push(reply);
      send(reply);
    };
    const later: (() => Promise<void>)[] = [];
    const io: CliIO = {
      cwd: request.cwd,
      env: request.env,
      stdout: stream(request.stdout, (text) => emit({ out: text })),
      stderr: stream(request.stderr, (text) => emit({ err: text })),
      signal: gone,
      defer: (task) => later.push(task),
    };
    const began = performance.now();
    let code: number;
    try {
      code = await options.run(request.argv, io);
    } catch (error) {
      io.stderr.write(`specprompt daemon: ${(error as Error).stack ?? String(error)}\n`);
      code = 70;
    }
    emit({ exit: code });
    socket.end();
    for (const task of later) await task().catch(() => {}); // after the client has its answer
    options.log(`${request.argv.join(" ")}: exit ${code} in ${Math.round(performance.now() - began)} ms`);
    // Only an answer nothing changed under is worth keeping (the build's own writes count).
    if (CACHED_COMMANDS.has(request.argv[0]!) && generation === started) {
      for (const [other, answer] of cache) if (answer.generation !== generation) cache.delete(other);
      if (cache.size < 32) cache.set(key, { generation, replies });
    }
    if (request.argv[0] === "build") refresh();
  };

  const server = createServer((socket) => {
    resetIdle();
    let buffered = "";
    let received = false;
    // A client that goes away (Ctrl-C) cancels its command, running or still waiting its turn.
    const gone = new AbortController();
    socket.on("close", () => gone.abort());
    socket.setEncoding("utf8");
    socket.on("error", () => {});
    socket.on("data", (chunk: string) => {
      if (received) return;
      buffered += chunk;
      const newline = buffered.indexOf("\n");
      if (newline < 0) {
        if (buffered.length > MAX_REQUEST_BYTES) socket.destroy();
        return;
      }
      received = true;
      const request = parseRequest(buffered.slice(0, newline));
      if (!request) {
        socket.destroy();
        return;
      }
      queue = queue
        .then(() => (gone.signal.aborted ? undefined : serve(socket, request, gone.signal)))
        .catch((error: unknown) => options.log(`internal error: ${(error as Error).stack ?? String(error)}`))
        .finally(resetIdle);
    });
  });
  // Created closed to others (umask), not opened up for a moment before a chmod.
  const umask = process.umask(0o077);
  try {
    await new Promise<void>((ready, fail) => {
      server.once("error", fail);
      server.listen(socketPath, () => ready());
    });
  } catch (error) {
    releaseClaim();
    throw error;
  } finally {
    process.umask(umask);
  }
  chmodSync(socketPath, 0o600);
  const info: DaemonInfo = {
    pid: process.pid,
    version: VERSION,
    socket: socketPath,
    startedAt: new Date().toISOString(),
  };
  writeFileAtomicSync(infoPath, `${JSON.stringify(info)}\n`);
  options.log(
    `serving ${pkgDir} on ${socketPath} (pid ${process.pid}); stops after ${Math.round(options.idleMs / 60_000)} min idle`,
  );
  resetIdle();
  await new Promise<void>((done) => stopping.signal.addEventListener("abort", () => done(), { once: true }));
  await queue;
  clearTimeout(idle);
  server.close();
  libraries.close();
  files.close();
  rmSync(infoPath, { force: true });
  rmSync(socketPath, { force: true });
  releaseClaim();
  options.log("stopped");
}

const MAX_REQUEST_BYTES = 1024 * 1024;

function readManifestText(pkgDir: string): string {
  try {
    return readFileSync(join(pkgDir, MANIFEST_FILE), "utf8");
  } catch {
    return "";
  }
}

/** A request line as the client sends it, or undefined for anything else. */
function parseRequest(line: string): DaemonRequest | undefined {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return undefined;
  }
  const request = data as Partial<DaemonRequest> | null;
  const strings = (value: unknown) => Array.isArray(value) && value.every((item) => typeof item === "string");
  const facts = (value: unknown) => typeof value === "object" && value !== null;
  if (
    typeof request !== "object" ||
    request === null ||
    typeof request.version !== "string" ||
    !strings(request.argv) ||
    typeof request.cwd !== "string" ||
    !facts(request.env) ||
    !Object.values(request.env as object).every((value) => typeof value === "string") ||
    !facts(request.stdout) ||
    !facts(request.stderr)
  )
    return undefined;
  return request as DaemonRequest;
}

/** Why this daemon will not run the request (the client then runs it itself), or undefined. */
function refuse(request: DaemonRequest, pkgDir: string): string | undefined {
  if (request.version !== VERSION) return `daemon is specprompt ${VERSION}, client ${request.version}`;
  const command = request.argv[0] ?? "";
  if (!DAEMON_COMMANDS.has(command)) return `the daemon does not run ${command}`;
  const dir = packageFolder(request.cwd, request.argv);
  if (dir === undefined) return `no such package: ${packageArgument(request.argv)}`;
  return dir === pkgDir ? undefined : `the daemon serves ${pkgDir}, not ${dir}`;
}

/** An output stream that sends what is written, with the client's terminal facts. */
function stream(facts: DaemonRequest["stdout"], write: (text: string) => void): OutputStream {
  return { isTTY: facts.isTTY, columns: facts.columns, write: (text: string) => write(String(text)) };
}

/** Only one daemon per package: its pid file, taken exclusively (one left by a dead process is taken over). */
function claimPackage(pkgDir: string): () => void {
  return claimPidFile(
    join(localStateDir(pkgDir), "daemon.pid"),
    (owner) =>
      new SpecPromptError("E_BUSY", `a daemon already serves this package (pid ${owner})`, {
        hint: "stop it with specprompt daemon --stop, or let its commands go to it",
      }),
  );
}

/**
 * The socket's folder: the package's local state, or a per-user folder in the shared temporary
 * folder that must be ours and closed to others (one someone else made first is refused).
 */
function prepareSocketFolder(socketPath: string, pkgDir: string): void {
  const folder = dirname(socketPath);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  if (folder.startsWith(localStateDir(pkgDir))) return;
  const info = lstatSync(folder);
  const uid = process.getuid?.();
  if (!info.isDirectory() || (uid !== undefined && info.uid !== uid) || (info.mode & 0o077) !== 0) {
    throw new SpecPromptError("E_BUSY", `${folder} is not a private folder of this user`, {
      hint: "remove it (another user may have made it) or run the daemon from a shorter path",
    });
  }
}
