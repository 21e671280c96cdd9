import { writeSync } from "node:fs";
import type { OutputStream } from "./command.js";

/**
 * Standard output or error written with `writeSync` on its file descriptor, for the fast paths of
 * bin/specprompt.js: `process.stdout` is a stream whose first use costs 2 ms (a tenth of Node's
 * start-up) to set up. As in the CLI, a reader that went away (EPIPE) drops what is left. A full
 * pipe that another process left non-blocking (EAGAIN) hands this and every later write to the
 * stream, which waits for the reader.
 */
export function fdOutput(fd: 1 | 2): OutputStream {
  let stream: NodeJS.WriteStream | undefined;
  let closed = false;
  return {
    write(text: string) {
      if (stream) return stream.write(text);
      if (closed) return;
      const data = Buffer.from(text);
      let written = 0;
      while (written < data.length) {
        try {
          written += writeSync(fd, data, written);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === "EPIPE") {
            closed = true;
            return;
          }
          if (code !== "EAGAIN") throw error;
          stream = fd === 1 ? process.stdout : process.stderr;
          stream.on("error", (later: NodeJS.ErrnoException) => {
            if (later.code !== "EPIPE") throw later;
          });
          return stream.write(data.subarray(written));
        }
      }
    },
  };
}
