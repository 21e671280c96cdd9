import { statSync } from "node:fs";
import { posix } from "node:path";
import { walkTree } from "../util/walk-tree.js";

/**
 * The files below `base` (a folder relative to `root`, "" for root itself) and the folders whose
 * listing decides them, relative to root: `base` and every folder in it. When `base` does not
 * exist, the nearest folder above it that does: its mtime changes when `base` is created, so a
 * later status notices the first file there too.
 */
export function walkListed(root: string, base: string): { dirs: string[]; files: string[] } {
  const tree = walkTree(base === "" ? root : `${root}/${base}`);
  const prefix = base === "" ? "" : `${base}/`;
  const dirs = tree.dirs.map((dir) => (dir === "" ? base : prefix + dir));
  if (dirs.length === 0) dirs.push(existingFolderAbove(root, base));
  return { dirs, files: tree.files.map((file) => prefix + file) };
}

/** The nearest folder above `path` (relative to `root`) that exists; "" is root itself. */
export function existingFolderAbove(root: string, path: string): string {
  let dir = path;
  while (dir !== "") {
    dir = posix.dirname(dir) === "." ? "" : posix.dirname(dir);
    if (dir === "" || statSync(`${root}/${dir}`, { throwIfNoEntry: false })?.isDirectory()) return dir;
  }
  return "";
}
