import { posix } from "node:path";

/**
 * True when `path` (a file path or glob, `!` negation allowed) stays inside the folder it is
 * relative to: not absolute and not climbing out with `..`. Backslashes count as separators so a
 * manifest written on Windows cannot escape either.
 */
export function isContainedPath(path: string): boolean {
  const bare = (path.startsWith("!") ? path.slice(1) : path).replaceAll("\\", "/");
  if (bare.startsWith("/") || /^[A-Za-z]:/.test(bare) || bare.startsWith("~")) return false;
  const normalized = posix.normalize(bare);
  return normalized !== ".." && !normalized.startsWith("../");
}

/** `./src//a.js` → `src/a.js`: the one spelling used in results, locks and ownership checks. */
export function normalizeRelativePath(path: string): string {
  const negated = path.startsWith("!");
  const normalized = posix.normalize(negated ? path.slice(1) : path).replace(/\/$/, "");
  return negated ? `!${normalized}` : normalized;
}

/** A native relative path in POSIX form. */
export function toPosixPath(path: string): string {
  return path.replaceAll("\\", "/");
}

/** `posix.normalize` for a relative path, skipping the work when it is already in normal form. */
export function normalizeLayerPath(path: string): string {
  const posixPath = toPosixPath(path);
  return /(^|\/)\.{1,2}(\/|$)|\/\//.test(posixPath) ? posix.normalize(posixPath) : posixPath;
}
