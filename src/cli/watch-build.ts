import { watch } from "node:fs";
import { dirname } from "node:path";
import type { AnyBuildResult as BuildResult } from "../build/build-targets.js";
import { formatError, isSpecPromptError } from "../errors.js";
import { findManifest } from "../package/find-manifest.js";
import type { CliIO } from "./command.js";

/** Paths under the package folder whose changes never call for a build: our own state and tools'. */
const IGNORED = /^(\.specprompt|\.git|node_modules)(\/|$)|^specprompt\.lock$/;

/** How long the tree must be quiet before a build starts: editors write a file in several steps. */
export const SETTLE_MS = 80;

export interface WatchOptions {
  dir: string;
  cwd: string;
  /** One incremental build; the process stays warm, so an edit costs only what changed. */
  build: () => Promise<BuildResult>;
  /** Shows a finished build. `first` is the build made on start, shown even when nothing changed. */
  show: (result: BuildResult, first: boolean) => void;
  io: CliIO;
}

/**
 * `build --watch`: build, then build again whenever a file of the package changes, until Ctrl-C.
 * A failed build (bad manifest, failing tests) is reported and the watch goes on; the last good
 * output and lock stay as they were, as after any failed build.
 */
export async function watchBuild(options: WatchOptions): Promise<number> {
  const { io } = options;
  const root = dirname(await findManifest(options.dir, options.cwd));
  const signal = io.signal ?? new AbortController().signal;
  let running = false;
  let pending = false;
  let timer: NodeJS.Timeout | undefined;
  let builds = 0;

  const runOnce = async () => {
    if (running) {
      pending = true;
      return;
    }
    running = true;
    try {
      do {
        pending = false;
        const first = builds++ === 0;
        try {
          const result = await options.build();
          // The build's own writes (outputs inside the package folder) come back as events; the
          // no-op builds they cause are not news.
          if (first || result.status !== "up-to-date") options.show(result, first);
        } catch (error) {
          if (signal.aborted) return;
          if (!isSpecPromptError(error)) throw error;
          io.stderr.write(`specprompt build: ${formatError(error)}\n`);
        }
      } while (pending && !signal.aborted);
    } finally {
      running = false;
    }
  };

  await runOnce();
  if (signal.aborted) return 0;
  io.stderr.write(`watching ${root} for changes (Ctrl-C to stop)\n`);
  return new Promise<number>((resolve, reject) => {
    const watcher = watch(root, { recursive: true, signal }, (_event, file) => {
      const path = file?.toString().split("\\").join("/");
      if (path !== undefined && IGNORED.test(path)) return;
      clearTimeout(timer);
      timer = setTimeout(() => runOnce().catch(stop), SETTLE_MS);
    });
    const stop = (error?: unknown) => {
      clearTimeout(timer);
      watcher.close();
      if (error !== undefined) reject(error);
      else resolve(0);
    };
    watcher.on("error", (error: NodeJS.ErrnoException) =>
      error.name === "AbortError" ? stop() : stop(error),
    );
    watcher.on("close", () => stop());
    signal.addEventListener("abort", () => stop(), { once: true });
  });
}
