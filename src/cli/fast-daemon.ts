/**
 * The client side of `specprompt daemon`, bundled on its own into dist/fast/daemon.cjs and required
 * by bin/specprompt.js before anything else loads: when the package's daemon runs, the command is
 * its business, and this process only copies its output.
 */
import { tryDaemon as ask } from "../daemon/client.js";
import { VERSION } from "../version.js";
import type { FastIO } from "./fast-command.js";

/** The daemon's exit code for the command, or undefined (no daemon: the CLI runs it). */
export function tryDaemon(argv: string[], io: FastIO): Promise<number | undefined> {
  return ask(argv, io, VERSION);
}

export { DAEMON_COMMANDS } from "../daemon/protocol.js";
export { fdOutput } from "./fast-output.js";
