import { existsSync, type FSWatcher, lstatSync, readdirSync, statSync, watch } from "node:fs";
import { join } from "node:path";

/** Top-level folders never watched: version control, dependencies (huge), our own state. */
const SKIPPED = new Set([".git", "node_modules", ".specprompt"]);

/** Inside `.specprompt/`, the one folder commands read: vendored git imports. */
const VENDORED = join(".specprompt", "imports");

export interface PackageWatch {
  /**
   * False once a watch failed (too many watches, a folder gone), or while the package holds a
   * symbolic link (its target's changes are not seen here): changes may be missed.
   */
  healthy(): boolean;
  /** Start watching what appeared since (`.specprompt/imports/`); true when something new is watched. */
  refresh(): boolean;
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
  let links = hasLinks(pkgDir, "");
  const add = (rel: string, recursive: boolean): boolean => {
    if (watchers.has(rel)) return false;
    try {
      const watcher = watch(join(pkgDir, rel), { recursive, signal }, (event, file) => {
        onChange();
        if (rel === "" && file) renewed(file.toString());
        // A link that appears (or anything renamed into place) may point outside what is watched.
        if (event === "rename" && file && !links) links = isLink(join(pkgDir, rel, file.toString()));
      });
      watcher.on("error", () => {
        watchers.delete(rel);
        // A folder that was removed is no loss (its removal was an event); anything else is.
        if (existsSync(join(pkgDir, rel))) healthy = false;
        onChange();
      });
      watchers.set(rel, watcher);
      return true;
    } catch {
      return false; // not a folder (a file created at the top), or gone already: nothing to watch
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
    let added = add("", false);
    for (const entry of readdirSync(pkgDir, { withFileTypes: true }))
      if (entry.isDirectory() && !SKIPPED.has(entry.name)) added = add(entry.name, true) || added;
    if (existsSync(join(pkgDir, VENDORED))) added = add(VENDORED, true) || added;
    if (added) links = hasLinks(pkgDir, "");
    return added;
  };
  refresh();
  return {
    healthy: () => healthy && !links,
    refresh,
    close() {
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}

function isLink(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink() === true;
}

/** Whether the watched part of the package holds a symbolic link anywhere. */
function hasLinks(root: string, rel: string): boolean {
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(join(root, rel), { withFileTypes: true });
  } catch {
    return false;
  }
  for (const entry of entries) {
    if (entry.isSymbolicLink()) return true;
    // Dependencies are full of links (.bin) and hold no layers; nested ones are skipped too.
    if (entry.isDirectory() && !SKIPPED.has(entry.name) && hasLinks(root, join(rel, entry.name))) return true;
  }
  return rel === "" && existsSync(join(root, VENDORED)) ? hasLinks(root, VENDORED) : false;
}
