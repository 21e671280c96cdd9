import { existsSync } from "node:fs";
import { cp, mkdir, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";

/** Never copied into a work tree: version control, our own state, installed dependencies. */
const SKIPPED = new Set([".git", ".specprompt", "node_modules"]);

/**
 * A scratch copy of the output tree with pending changes applied, where validation commands and
 * agents run without touching the real tree. `node_modules` is linked, not copied.
 */
export async function createWorkTree(
  outDir: string,
  dest: string,
  overlay: ReadonlyMap<string, string | null>,
): Promise<void> {
  await rm(dest, { recursive: true, force: true });
  await mkdir(dest, { recursive: true });
  if (existsSync(outDir)) {
    for (const entry of await readdir(outDir)) {
      if (SKIPPED.has(entry)) continue;
      await cp(join(outDir, entry), join(dest, entry), {
        recursive: true,
        verbatimSymlinks: true,
        filter: (source) => !SKIPPED.has(source.slice(source.lastIndexOf("/") + 1)),
      });
    }
    if (existsSync(join(outDir, "node_modules"))) {
      await symlink(join(outDir, "node_modules"), join(dest, "node_modules"), "dir");
    }
  }
  for (const [path, content] of overlay) {
    const target = join(dest, path);
    if (content === null) {
      await rm(target, { force: true });
    } else {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
    }
  }
}

/** Every regular file below `root` (POSIX paths relative to it), skipping SKIPPED folders. */
export async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const rel = relative(root, join(entry.parentPath, entry.name)).split("\\").join("/");
    if (rel.split("/").some((part) => SKIPPED.has(part))) continue;
    files.push(rel);
  }
  return files.sort();
}

/** Contents of the given files below `root`. */
export async function readFiles(root: string, paths: string[]): Promise<Map<string, string>> {
  const contents = await Promise.all(paths.map((path) => readFile(join(root, path), "utf8")));
  return new Map(paths.map((path, index) => [path, contents[index]!]));
}
