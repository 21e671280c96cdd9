import type { FSWatcher } from "node:fs";
import { dirname } from "node:path";
import type { AnyBuildResult as BuildResult } from "../build/build-targets.js";
import { formatError, isSpecPromptError } from "../errors.js";
import { findManifest } from "../package/find-manifest.js";
import { listImportedFolders } from "../package/imports/imported-folders.js";
import { displayPath } from "../package/read-layers.js";
import type { CliIO } from "./command.js";
import { createLibraryWatch, pickLibraryFolders, watchFolder } from "./watch-libraries.js";

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
 * `build --watch`: build, then build again whenever a file of the package, or of a library it
 * imports by path, changes, until Ctrl-C. The libraries are listed again after every build, since
 * an edited manifest may add or drop one. A failed build (bad manifest, failing tests) is reported
 * and the watch goes on; the last good output and lock stay as they were, as after any failed build.
 */
export async function watchBuild(options: WatchOptions): Promise<number> {
  const { io } = options;
  const root = dirname(await findManifest(options.dir, options.cwd));
  const signal = io.signal ?? new AbortController().signal;
  let running = false;
  let pending = false;
  let timer: NodeJS.Timeout | undefined;
  let builds = 0;
  let fail: (error: unknown) => void = () => {};

  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => runOnce().catch(fail), SETTLE_MS);
  };
  const shown = (dir: string) => displayPath(options.cwd, dir);
  const libraries = createLibraryWatch(root, signal, schedule);
  const updateLibraries = () => libraries.update(pickLibraryFolders(root, listImportedFolders(root)));

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
        if (first || signal.aborted) continue;
        const { added, removed } = updateLibraries();
        for (const dir of removed) io.stderr.write(`no longer watching ${shown(dir)}\n`);
        for (const dir of added) io.stderr.write(`watching ${shown(dir)} too (imported by path)\n`);
      } while (pending && !signal.aborted);
    } finally {
      running = false;
    }
  };

  await runOnce();
  if (signal.aborted) return 0;
  updateLibraries();
  const also = libraries.folders().map(shown);
  const imported = also.length === 0 ? "" : ` and ${also.join(", ")} (imported by path)`;
  io.stderr.write(`watching ${root}${imported} for changes (Ctrl-C to stop)\n`);
  return new Promise<number>((resolve, reject) => {
    const stop = (error?: unknown) => {
      clearTimeout(timer);
      watcher.close();
      libraries.close();
      if (error !== undefined) reject(error);
      else resolve(0);
    };
    let watcher: FSWatcher;
    try {
      watcher = watchFolder(root, signal, schedule);
    } catch (error) {
      libraries.close();
      return reject(error);
    }
    fail = stop;
    watcher.on("error", (error: NodeJS.ErrnoException) =>
      error.name === "AbortError" ? stop() : stop(error),
    );
    watcher.on("close", () => stop());
    signal.addEventListener("abort", () => stop(), { once: true });
  });
}
