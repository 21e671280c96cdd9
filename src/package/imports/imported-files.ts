import { join, relative } from "node:path";
import type { ImportLock } from "../../lock/import-lock-schema.js";
import { stableStringify } from "../../util/stable-json.js";
import { toPosixPath } from "../contained-path.js";
import type { PackageImports } from "./types.js";

/**
 * Every file the imports read (each library's manifest and layers), absolute: what the freshness
 * and status indexes stat, so an edited library makes the next build and status look again.
 */
export function listImportedFiles(imports: PackageImports | undefined): string[] {
  if (!imports) return [];
  const files = imports.all.flatMap((imported) => [
    imported.manifestPath,
    ...Object.keys(imported.files).map((path) => join(imported.dir, path)),
  ]);
  return [...new Set(files)];
}

/** Each library's folder and its context globs: where a new file would be a new context document. */
export function listImportedGlobRoots(imports: PackageImports | undefined): [string, string[]][] {
  if (!imports) return [];
  return imports.all
    .filter((imported) => imported.use.includes("context") && imported.contextGlobs.length > 0)
    .map((imported) => [imported.dir, imported.contextGlobs]);
}

/** The lock's `imports`: every library by alias, with its origin, hash and files. */
export function lockImports(imports: PackageImports): Record<string, ImportLock> {
  const entries: Record<string, ImportLock> = {};
  for (const imported of imports.all) {
    entries[imported.alias] = {
      source: imported.source,
      ...(imported.ref !== undefined && { ref: imported.ref }),
      ...(imported.commit !== undefined && { commit: imported.commit }),
      ...(imported.path !== undefined && { path: imported.path }),
      name: imported.name,
      version: imported.version,
      hash: imported.hash,
      files: imported.files,
    };
  }
  return entries;
}

/** Whether the lock pins exactly the imports the package has now (origins, commits, files). */
export function importsPinned(
  pinned: Record<string, ImportLock> | undefined,
  imports: PackageImports | undefined,
): boolean {
  const now = imports ? lockImports(imports) : undefined;
  return stableStringify(pinned ?? null) === stableStringify(now ?? null);
}

/** `listImportedFiles` and `listImportedGlobRoots` relative to the package folder (`../libs/x/guide.md`), for the status index. */
export function listImportedInputs(
  dir: string,
  imports: PackageImports | undefined,
): { files: string[]; globRoots: [string, string[]][] } {
  const rel = (path: string) => toPosixPath(relative(dir, path));
  return {
    files: listImportedFiles(imports).map(rel),
    globRoots: listImportedGlobRoots(imports).map(([root, globs]) => [`${rel(root)}/`, globs]),
  };
}

/**
 * What the lock pins differently from the imports now, beyond content (which makes units stale):
 * `import style: ref v1 → v2`, `import extra: not in the lock`.
 */
export function describeImportPins(
  pinned: Record<string, ImportLock> | undefined,
  imports: PackageImports | undefined,
): string[] {
  const now = imports ? lockImports(imports) : {};
  const before = pinned ?? {};
  const reasons: string[] = [];
  for (const [alias, entry] of Object.entries(now)) {
    const old = before[alias];
    if (!old) {
      reasons.push(`import ${alias}: not in the lock`);
      continue;
    }
    const changes = (["source", "path", "ref", "commit", "name", "version"] as const)
      .filter((field) => old[field] !== entry[field])
      .map((field) => `${field} ${old[field] ?? "(none)"} → ${entry[field] ?? "(none)"}`);
    if (changes.length > 0) reasons.push(`import ${alias}: ${changes.join(", ")}`);
  }
  for (const alias of Object.keys(before)) {
    if (!Object.hasOwn(now, alias)) reasons.push(`import ${alias}: no longer imported`);
  }
  return reasons;
}
