import { chmodSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { connect, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { CliIO, OutputStream } from "../cli/command.js";
import { createLibraryWatch } from "../cli/watch-libraries.js";
import { SpecPromptError } from "../errors.js";
import { listImportedFolders } from "../package/imports/imported-folders.js";
import { localStateDir } from "../package/local-state.js";
import { writeFileAtomicSync } from "../util/atomic-write.js";
import { sha256 } from "../util/hash.js";
import { markWarmProcess } from "../util/warm-process.js";
import { VERSION } from "../version.js";
import {
  CACHED_COMMANDS,
  DAEMON_COMMANDS,
  type DaemonInfo,
  type DaemonReply,
  type DaemonRequest,
  daemonInfoPath,
  packageArgument,
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
  markWarmProcess();
  const infoPath = daemonInfoPath(pkgDir);
  const socketPath = chooseSocketPath(pkgDir);
  await refuseSecondDaemon(infoPath);
  rmSync(socketPath, { force: true });
  mkdirSync(dirname(socketPath), { recursive: true, mode: 0o700 });

  const stopping = new AbortController();
  const stop = () => stopping.abort();
  options.signal?.addEventListener("abort", stop, { once: true });
  let generation = 0;
  const changed = () => {
    generation++;
  };
  const files = watchPackage(pkgDir, stopping.signal, changed);
  const libraries = createLibraryWatch(pkgDir, stopping.signal, changed);
  libraries.update(listImportedFolders(pkgDir));

  const cache = new Map<string, CachedAnswer>();
  let queue = Promise.resolve();
  let idle: NodeJS.Timeout | undefined;
  const resetIdle = () => {
    clearTimeout(idle);
    if (!stopping.signal.aborted) idle = setTimeout(stop, options.idleMs);
  };

  const serve = async (socket: Socket, request: DaemonRequest) => {
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
    const kept = cache.get(key);
    if (files.healthy() && kept?.generation === generation) {
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
    const aborted = new AbortController();
    socket.on("close", () => aborted.abort());
    const later: (() => Promise<void>)[] = [];
    const io: CliIO = {
      cwd: request.cwd,
      env: request.env,
      stdout: stream(request.stdout, (text) => emit({ out: text })),
      stderr: stream(request.stderr, (text) => emit({ err: text })),
      signal: aborted.signal,
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
    if (request.argv[0] === "build") {
      libraries.update(listImportedFolders(pkgDir));
      files.refresh();
    }
  };

  const server = createServer((socket) => {
    resetIdle();
    let buffered = "";
    socket.setEncoding("utf8");
    socket.on("error", () => {});
    socket.on("data", (chunk: string) => {
      buffered += chunk;
      const newline = buffered.indexOf("\n");
      if (newline < 0) return;
      let request: DaemonRequest;
      try {
        request = JSON.parse(buffered.slice(0, newline)) as DaemonRequest;
      } catch {
        socket.destroy();
        return;
      }
      buffered = "";
      queue = queue.then(() => serve(socket, request)).finally(resetIdle);
    });
  });
  await new Promise<void>((ready, fail) => {
    server.once("error", fail);
    server.listen(socketPath, () => ready());
  });
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
  options.log("stopped");
}

/** Why this daemon will not run the request (the client then runs it itself), or undefined. */
function refuse(request: DaemonRequest, pkgDir: string): string | undefined {
  if (request.version !== VERSION) return `daemon is specprompt ${VERSION}, client ${request.version}`;
  const command = request.argv[0] ?? "";
  if (!DAEMON_COMMANDS.has(command)) return `the daemon does not run ${command}`;
  const named = resolve(request.cwd, packageArgument(request.argv));
  let dir = named;
  try {
    if (!statSync(named).isDirectory()) dir = dirname(named);
  } catch {
    return `no such package: ${named}`;
  }
  return dir === pkgDir ? undefined : `the daemon serves ${pkgDir}, not ${dir}`;
}

/** An output stream that sends what is written, with the client's terminal facts. */
function stream(facts: DaemonRequest["stdout"], write: (text: string) => void): OutputStream {
  return { isTTY: facts.isTTY, columns: facts.columns, write: (text: string) => write(String(text)) };
}

/**
 * The socket in the package's local state, or, where that path is too long for a Unix socket
 * (about 100 bytes), in a private folder under the system's temporary folder.
 */
function chooseSocketPath(pkgDir: string): string {
  const local = join(localStateDir(pkgDir), "daemon.sock");
  if (Buffer.byteLength(local) <= 100) return local;
  const uid = process.getuid?.() ?? "user";
  return join(tmpdir(), `specprompt-${uid}`, `${sha256(pkgDir).slice(0, 16)}.sock`);
}

/** A daemon already answering for this package is an error; the file of one that died is not. */
async function refuseSecondDaemon(infoPath: string): Promise<void> {
  let info: DaemonInfo;
  try {
    info = JSON.parse(readFileSync(infoPath, "utf8")) as DaemonInfo;
  } catch {
    return;
  }
  if (isAlive(info.pid) && (await canConnect(info.socket))) {
    throw new SpecPromptError("E_BUSY", `a daemon already serves this package (pid ${info.pid})`, {
      hint: "stop it with specprompt daemon --stop, or let its commands go to it",
    });
  }
}

function canConnect(socketPath: string): Promise<boolean> {
  return new Promise((answer) => {
    const socket = connect(socketPath);
    socket.on("connect", () => {
      socket.destroy();
      answer(true);
    });
    socket.on("error", () => answer(false));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
