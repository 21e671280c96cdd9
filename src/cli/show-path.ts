import { isAbsolute, relative } from "node:path";

/** A file of the output tree as the user would type it: relative to the current folder, like git shows paths. */
export function showPath(cwd: string, outDir: string, path: string): string {
  const shown = relative(cwd, `${outDir}/${path}`);
  return shown === "" || isAbsolute(shown) ? `${outDir}/${path}` : shown;
}
