import { existsSync, type FSWatcher, readdirSync, statSync, watch } from "node:fs";
import { join } from "node:path";

/** Top-level folders never watched: version control, dependencies (huge), our own state. */
const SKIPPED = new Set([".git", "node_modules", ".specprompt"]);

/** Inside `.specprompt/`, the one folder commands read: vendored git imports. */
const VENDORED = join(".specprompt", "imports");

export interface PackageWatch {
  /** False once a watch failed (too many watches, a folder gone): changes may be missed. */
  healthy(): boolean;
  /** Start watching what appeared since (`.specprompt/imports/` after a build vendored into it). */
  refresh(): void;
  close(): void;
}

/**
 * Watch every file a command on the package may read: the package folder itself, each of its
 * folders recursively except `.git`, `node_modules` and `.specprompt` (a build's staging churn
 * there would cost the daemon more than it saves), and `.specprompt/imports/`. A folder created
 * at the top later is watched from then on. `onChange` gets every event that may matter.
 */
export function watchPackage(pkgDir: string, signal: AbortSignal, onChange: () => void): PackageWatch {
  const watchers = new Map<string, FSWatcher>();
  let healthy = true;
  const add = (rel: string, recursive: boolean) => {
    if (watchers.has(rel)) return;
    try {
      const watcher = watch(join(pkgDir, rel), { recursive, signal }, (_event, file) => {
        onChange();
        if (rel === "" && file) renewed(file.toString());
      });
      watcher.on("error", () => {
        watchers.delete(rel);
        // A folder that was removed is no loss (its removal was an event); anything else is.
        if (existsSync(join(pkgDir, rel))) healthy = false;
        onChange();
      });
      watchers.set(rel, watcher);
    } catch {
      // Not a folder (a file created at the top), or gone already: nothing to watch.
    }
  };
  /** A top-level entry was created, removed or replaced: watch the folder that is there now. */
  const renewed = (name: string) => {
    if (SKIPPED.has(name)) return;
    watchers.get(name)?.close();
    watchers.delete(name);
    if (statSync(join(pkgDir, name), { throwIfNoEntry: false })?.isDirectory()) add(name, true);
  };
  const refresh = () => {
    add("", false);
    for (const entry of readdirSync(pkgDir, { withFileTypes: true }))
      if (entry.isDirectory() && !SKIPPED.has(entry.name)) add(entry.name, true);
    if (existsSync(join(pkgDir, VENDORED))) add(VENDORED, true);
  };
  refresh();
  return {
    healthy: () => healthy,
    refresh,
    close() {
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
