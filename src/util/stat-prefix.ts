import { isAbsolute, relative } from "node:path";

/**
 * The shortest prefix that names files of `dir` from the process's working folder: "" inside it,
 * `sub/dir/` below it, else `dir/`. The kernel resolves a path component by component, so
 * statting `src/a.js` instead of `/home/me/projects/pkg/src/a.js` takes half the time, which is
 * what a status of 10,000 files spends most of its time on.
 */
export function statPrefix(dir: string): string {
  let cwd: string;
  try {
    cwd = process.cwd();
  } catch {
    return `${dir}/`; // the working folder was deleted
  }
  const rel = relative(cwd, dir);
  if (rel === "") return "";
  if (isAbsolute(rel) || rel.split("/").length >= dir.split("/").length) return `${dir}/`;
  return `${rel}/`;
}
