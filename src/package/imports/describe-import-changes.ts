import type { ImportLock } from "../../lock/import-lock-schema.js";
import { importPrefix } from "./import-kinds.js";
import type { PackageImports } from "./types.js";

/**
 * Adds to each "import X changed" reason which files of X changed since the lock pinned them
 * (`import ts-style changed: guide.md, @base/rules.md added`); other reasons pass through.
 */
export function detailImportChanges(
  reasons: string[],
  pinned: Record<string, ImportLock> | undefined,
  imports: PackageImports | undefined,
): string[] {
  if (!pinned || !imports) return reasons;
  return reasons.map((reason) => {
    const alias = /^import (\S+) changed$/.exec(reason)?.[1];
    if (alias === undefined) return reason;
    const details = listChangedFiles(alias, pinned, imports);
    return details.length > 0 ? `${reason}: ${details.join(", ")}` : reason;
  });
}

function listChangedFiles(
  alias: string,
  pinned: Record<string, ImportLock>,
  imports: PackageImports,
): string[] {
  const before = filesUnder(
    alias,
    Object.entries(pinned).map(([key, entry]) => [key, entry.files]),
  );
  const after = filesUnder(
    alias,
    imports.all.map((imported) => [imported.alias, imported.files]),
  );
  const details: string[] = [];
  for (const [path, hash] of after) {
    if (!before.has(path)) details.push(`${path} added`);
    else if (before.get(path) !== hash) details.push(path);
  }
  for (const path of before.keys()) if (!after.has(path)) details.push(`${path} removed`);
  return details;
}

/** The files of `alias` and of what it imports, as `guide.md` and `@base/guide.md`. */
function filesUnder(alias: string, entries: [string, Record<string, string>][]): Map<string, string> {
  const files = new Map<string, string>();
  const own = importPrefix(alias);
  for (const [key, record] of entries) {
    if (key !== alias && !key.startsWith(`${alias}/`)) continue;
    const prefix = importPrefix(key).slice(own.length);
    for (const [path, hash] of Object.entries(record)) files.set(`${prefix}${path}`, hash);
  }
  return files;
}
