import { existsSync, type FSWatcher, watch } from "node:fs";
import { dirname, isAbsolute, join, relative, sep } from "node:path";

/** Paths under a watched folder whose changes never call for a build: our own state and tools'. */
const IGNORED = /^(\.specprompt|\.git|node_modules)(\/|$)|^specprompt\.lock$/;

/** A recursive watch of `dir` calling `onChange` with the changed path (relative, POSIX) unless it is one of IGNORED. */
export function watchFolder(dir: string, signal: AbortSignal, onChange: (path: string) => void): FSWatcher {
  return watch(dir, { recursive: true, signal }, (_event, file) => {
    const path = file?.toString().split("\\").join("/");
    if (path !== undefined && IGNORED.test(path)) return;
    onChange(path ?? "");
  });
}

/** `path` inside `folder` (or the folder itself)? */
function isWithin(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/**
 * The library folders to watch besides the package folder `root`: not those inside it or inside
 * another library, which a recursive watch already covers.
 */
export function pickLibraryFolders(root: string, libraries: readonly string[]): string[] {
  const outside = [...new Set(libraries)].filter((dir) => !isWithin(root, dir));
  return outside.filter((dir) => !outside.some((other) => other !== dir && isWithin(other, dir)));
}

/** The watches on the libraries a package imports by path, kept in step with its manifests. */
export interface LibraryWatch {
  /** Watches `folders` (see pickLibraryFolders) and no others; returns what started and stopped. */
  update(folders: readonly string[]): { added: string[]; removed: string[] };
  /** The folders watched now. */
  folders(): string[];
  close(): void;
}

interface Watched {
  watcher: FSWatcher;
  /** Set while the folder does not exist: its nearest existing parent, watched for the next step to appear. */
  waitingIn?: string;
}

/**
 * Watches library folders for `build --watch`, calling `onChange` on any change in one. A library
 * holding the package (`path: ..`) leaves the package's own files to the package's watch. A folder
 * that does not exist yet (an import added before its library) is waited for in its nearest
 * existing parent (moving down at each update as folders on the way appear), and watched itself
 * from the first update after it appears.
 */
export function createLibraryWatch(root: string, signal: AbortSignal, onChange: () => void): LibraryWatch {
  const watched = new Map<string, Watched>();
  const stop = (dir: string) => {
    watched.get(dir)?.watcher.close();
    watched.delete(dir);
  };
  const start = (dir: string): Watched | undefined => {
    try {
      if (existsSync(dir)) {
        const watcher = watchFolder(dir, signal, (path) => {
          if (!isWithin(root, join(dir, path))) onChange();
        });
        return { watcher };
      }
      const parent = nearestExisting(dir);
      const entry = relative(parent, dir).split(sep)[0];
      const watcher = watch(parent, { signal }, (_event, file) => {
        if (file?.toString() === entry) onChange();
      });
      return { watcher, waitingIn: parent };
    } catch {
      return undefined; // unreadable: tried again at the next update
    }
  };
  return {
    update(folders) {
      const added: string[] = [];
      const removed: string[] = [];
      for (const [dir, entry] of [...watched]) {
        if (folders.includes(dir)) continue;
        stop(dir);
        if (entry.waitingIn === undefined) removed.push(dir);
      }
      for (const dir of folders) {
        const current = watched.get(dir);
        // Started again when the folder appeared or disappeared, or a folder on the way to it appeared.
        const waitIn = existsSync(dir) ? undefined : nearestExisting(dir);
        if (current && current.waitingIn === waitIn) continue;
        stop(dir);
        const next = start(dir);
        if (!next) continue;
        // A watch that fails (its folder deleted) is dropped, and started again at the next update.
        next.watcher.on("error", () => {
          if (watched.get(dir) === next) stop(dir);
        });
        watched.set(dir, next);
        if (next.waitingIn === undefined) added.push(dir);
      }
      return { added, removed };
    },
    folders: () => [...watched].filter(([, entry]) => entry.waitingIn === undefined).map(([dir]) => dir),
    close() {
      for (const dir of [...watched.keys()]) stop(dir);
    },
  };
}

function nearestExisting(dir: string): string {
  let current = dirname(dir);
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}
