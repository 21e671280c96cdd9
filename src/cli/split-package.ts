import { statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { MANIFEST_FILE } from "../package/find-manifest.js";

/** `[dir] [paths...]`: the first argument is the package only when it holds (or is) a manifest. */
export function splitPackage(cwd: string, positionals: string[]): [string, ...string[]] {
  const [first, ...rest] = positionals;
  if (first === undefined) return ["."];
  const target = resolve(cwd, first);
  const isPackage =
    isFile(join(target, MANIFEST_FILE)) || (basename(target) === MANIFEST_FILE && isFile(target));
  return isPackage ? [first, ...rest] : [".", first, ...rest];
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
