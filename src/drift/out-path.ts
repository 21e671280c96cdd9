import { isAbsolute, relative, resolve } from "node:path";
import { UsageError } from "../errors.js";

/**
 * A path the user typed (relative to `cwd`, or absolute) as a path relative to the output tree, the
 * way the lock names files; "" is the output root. Outside the output tree is bad usage.
 */
export function toOutPath(cwd: string, outDir: string, typed: string): string {
  const rel = relative(outDir, resolve(cwd, typed)).split("\\").join("/");
  if (rel === ".." || rel.startsWith("../") || isAbsolute(rel)) {
    throw new UsageError(
      `${typed} is outside the package's output tree (${relative(cwd, outDir) || "."})`,
      "give a path to a generated file inside the package's out folder",
    );
  }
  return rel;
}

/** Whether `path` (relative to out) is `selected` or inside it; "" selects everything. */
export function isSelected(path: string, selected: string): boolean {
  return selected === "" || path === selected || path.startsWith(`${selected}/`);
}
