import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { MANIFEST_FILE } from "../find-manifest.js";
import { MAX_IMPORT_DEPTH } from "./resolve-imports.js";

/**
 * The folders of the libraries the package in `dir` imports by relative path, nested ones too,
 * absolute, in the order found: what `build --watch` watches besides the package. Read from the
 * manifests alone (no schema, params or layers), so it answers even when the build failed because
 * of a library, which is when an edit there matters most. Git imports are left out: their copies
 * are vendored inside the package, and a path import of a library from git stays in its copy.
 */
export function listImportedFolders(dir: string): string[] {
  const found: string[] = [];
  const visit = (importer: string, depth: number) => {
    if (depth > MAX_IMPORT_DEPTH) return;
    for (const path of pathImports(join(importer, MANIFEST_FILE))) {
      const library = resolve(importer, path);
      if (library === dir || found.includes(library)) continue;
      found.push(library);
      visit(library, depth + 1);
    }
  };
  visit(dir, 1);
  return found;
}

/** The `path:` of every import without `git:` in a manifest; none when it cannot be read. */
function pathImports(manifestPath: string): string[] {
  let data: unknown;
  try {
    const text = readFileSync(manifestPath, "utf8");
    // Most manifests import nothing: parsing a large one only to find that out costs a daemon or a
    // watch more than its whole rebuild.
    if (!text.includes("imports")) return [];
    data = parse(text);
  } catch {
    return [];
  }
  const imports = (data as { imports?: unknown } | null)?.imports;
  if (!imports || typeof imports !== "object") return [];
  return Object.values(imports).flatMap((spec: unknown) => {
    const { path, git } = (spec ?? {}) as { path?: unknown; git?: unknown };
    return git === undefined && typeof path === "string" ? [path] : [];
  });
}
