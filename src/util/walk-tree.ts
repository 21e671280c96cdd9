import { type Dirent, readdirSync } from "node:fs";

/** Folders never walked into: dependencies, version control, and specprompt's own state. */
const SKIPPED = new Set(["node_modules", ".git", ".specprompt"]);

/**
 * Every folder and regular file below `root`, as paths relative to it ("" is `root` itself),
 * without following symbolic links. A missing `root` gives nothing.
 */
export function walkTree(root: string): { dirs: string[]; files: string[] } {
  const dirs: string[] = [];
  const files: string[] = [];
  const visit = (rel: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(rel === "" ? root : `${root}/${rel}`, { withFileTypes: true });
    } catch {
      return;
    }
    dirs.push(rel);
    for (const entry of entries) {
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name)) visit(path);
      } else if (entry.isFile()) files.push(path);
    }
  };
  visit("");
  return { dirs, files };
}
