import { connect } from "node:net";
import type { OutputStream } from "../cli/command.js";
import {
  DAEMON_COMMANDS,
  type DaemonReply,
  type DaemonRequest,
  daemonSocket,
  isOwnSocket,
  packageFolder,
  readDaemonInfo,
} from "./protocol.js";

export interface ClientIO {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: OutputStream;
  stderr: OutputStream;
}

/**
 * Hand the command to the package's daemon when one runs: its exit code, or undefined when there
 * is no daemon (or it cannot take the command) and the CLI should run it. Costs one failed file
 * read when no daemon runs. SPECPROMPT_NO_DAEMON=1 turns it off.
 */
export async function tryDaemon(argv: string[], io: ClientIO, version: string): Promise<number | undefined> {
  if (!DAEMON_COMMANDS.has(argv[0] ?? "") || io.env.SPECPROMPT_NO_DAEMON === "1") return undefined;
  if (argv.includes("--help") || argv.includes("-h") || argv.includes("--watch") || argv.includes("-w"))
    return undefined;
  const pkgDir = packageFolder(io.cwd, argv);
  if (pkgDir === undefined) return undefined;
  const info = readDaemonInfo(pkgDir);
  if (!info || info.version !== version) return undefined;
  const socket = daemonSocket(pkgDir);
  if (!isOwnSocket(socket, pkgDir)) return undefined;
  const request: DaemonRequest = {
    version,
    argv,
    cwd: io.cwd,
    env: io.env,
    stdout: { isTTY: Boolean(io.stdout.isTTY), columns: io.stdout.columns },
    stderr: { isTTY: Boolean(io.stderr.isTTY), columns: io.stderr.columns },
  };
  return exchange(socket, request, io);
}

/**
 * Send the request and copy the daemon's output to ours. A daemon that is gone (a socket left by a
 * killed process) or that says `fallback` before any output gives undefined: the CLI runs the
 * command. A connection lost half-way is reported (exit 1), since part of the output is out.
 */
export function exchange(
  socketPath: string,
  request: DaemonRequest,
  io: ClientIO,
): Promise<number | undefined> {
  return new Promise((settle) => {
    const socket = connect(socketPath);
    let buffered = "";
    let wrote = false;
    let done = false;
    const finish = (code: number | undefined) => {
      if (done) return;
      done = true;
      socket.destroy();
      settle(code);
    };
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on("data", (chunk: string) => {
      buffered += chunk;
      let newline = buffered.indexOf("\n");
      while (newline >= 0) {
        const reply = JSON.parse(buffered.slice(0, newline)) as DaemonReply;
        buffered = buffered.slice(newline + 1);
        if ("out" in reply) {
          wrote = true;
          io.stdout.write(reply.out);
        } else if ("err" in reply) {
          wrote = true;
          io.stderr.write(reply.err);
        } else if ("exit" in reply) return finish(reply.exit);
        else return finish(wrote ? 1 : undefined);
        newline = buffered.indexOf("\n");
      }
    });
    socket.on("error", () => finish(wrote ? 1 : undefined));
    socket.on("close", () => {
      if (!done && wrote) io.stderr.write("specprompt: the daemon stopped before the command finished\n");
      finish(wrote ? 1 : undefined);
    });
  });
}
