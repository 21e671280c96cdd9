import { isatty } from "node:tty";
import { renderMainHelp } from "./commands.js";

declare const __SPECPROMPT_VERSION__: string;

/**
 * The process-facing entry: real argv, streams and Ctrl-C; returns the exit code.
 * `--version` and `--help` are answered here, before the rest of the CLI is loaded.
 */
export async function runCli(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
    process.stdout.write(`${__SPECPROMPT_VERSION__}\n`);
    return 0;
  }
  if (argv.length === 1 && (argv[0] === "--help" || argv[0] === "-h")) {
    process.stdout.write(renderMainHelp());
    return 0;
  }
  // A reader that goes away (`specprompt build --json | head`) must not crash a build half-way:
  // what is left to print is dropped and the work finishes.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
    });
  }
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const { main } = await import("./main.js");
    return await main(argv, {
      cwd: process.cwd(),
      env: process.env,
      stdout: process.stdout,
      stderr: process.stderr,
      ask: isatty(0) ? async (question) => (await import("./ask-line.js")).askLine(question) : undefined,
      signal: controller.signal,
    });
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
