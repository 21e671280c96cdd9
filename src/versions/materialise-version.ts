import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { isMap, parseDocument } from "yaml";
import { SpecPromptError, UsageError } from "../errors.js";
import { toPosixPath } from "../package/contained-path.js";
import type { ImportSpec } from "../package/imports/import-schema.js";
import { type LibraryHolder, locateLibrary } from "../package/imports/locate-library.js";
import { MAX_IMPORT_DEPTH } from "../package/imports/resolve-imports.js";
import { IMPORTS_DIR } from "../package/imports/vendor-git.js";
import { filesAt, type GitRepo, repoPath, showFile } from "./git.js";
import { MANIFEST, readRawManifest, sourceFiles } from "./source-files.js";

/** A package version written out of git: its folder, and the imports it is compared without. */
export interface MaterialisedVersion {
  dir: string;
  warnings: string[];
}

interface ImportWalk {
  repo: GitRepo;
  commit: string;
  /** The temporary folder standing for the repository's top. */
  mirror: string;
  /** The package folder in the mirror: where its git imports are vendored. */
  rootDir: string;
  /** The side as the user named it, for warnings. */
  label: string;
  /** Folders (relative to the repository's top) whose source files are written. */
  written: Set<string>;
  visited: Set<string>;
  warnings: string[];
}

/**
 * Writes the package at `commit` into `mirror`, laid out as in the repository (the package at
 * `mirror/<prefix>`): its source files, its vendored git imports, and the source files of every
 * library it imports by path, taken from the same commit so relative paths resolve as they did
 * then. An import that cannot be found at that commit (outside the repository, no manifest there,
 * not vendored) is taken out of the written manifest that names it, with a warning: the side is
 * compared without it. Nothing outside the repository is ever read.
 */
export async function materialiseVersion(
  repo: GitRepo,
  commit: string,
  mirror: string,
  label: string,
): Promise<MaterialisedVersion> {
  if (!(await writeSourceFiles(repo, commit, mirror, { vendored: true })))
    throw new UsageError(
      `${label} has no ${repoPath(repo, MANIFEST)}`,
      "name a commit or version where the package exists",
    );
  const rootDir = join(mirror, repo.prefix);
  const walk: ImportWalk = {
    repo,
    commit,
    mirror,
    rootDir,
    label,
    written: new Set([repo.prefix]),
    visited: new Set(),
    warnings: [],
  };
  await walkImports(walk, { dir: rootDir }, 0, "");
  return { dir: rootDir, warnings: walk.warnings };
}

/**
 * The source files of the package in `folder.prefix` at `commit` (and its vendored git imports
 * when asked), written under `mirror` at their repository paths. False when it has no manifest there.
 */
async function writeSourceFiles(
  folder: GitRepo,
  commit: string,
  mirror: string,
  options: { vendored: boolean },
): Promise<boolean> {
  const manifest = await showFile(folder, commit, MANIFEST);
  if (manifest === undefined) return false;
  const files = await filesAt(folder, commit);
  const paths = sourceFiles(readRawManifest(manifest.toString("utf8")) ?? {}, files);
  if (options.vendored) paths.push(...files.filter((path) => path.startsWith(`${IMPORTS_DIR}/`)));
  for (const path of paths) {
    const bytes = path === MANIFEST ? manifest : await showFile(folder, commit, path);
    if (bytes === undefined) continue;
    const target = join(mirror, repoPath(folder, path));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, bytes);
  }
  return true;
}

/** Finds (and writes) every library `holder` imports, depth first; drops what cannot be found. */
async function walkImports(
  walk: ImportWalk,
  holder: LibraryHolder,
  depth: number,
  chain: string,
): Promise<void> {
  const manifestPath = join(holder.dir, MANIFEST);
  // Cycles and chains too deep are the loader's to report, with the chain named.
  if (depth > MAX_IMPORT_DEPTH || walk.visited.has(manifestPath)) return;
  walk.visited.add(manifestPath);
  const manifest = readRawManifest(await readFile(manifestPath, "utf8").catch(() => ""));
  // A library's own versions are compared without its imports (see diff-sides.ts).
  if (depth === 0 && manifest?.kind === "library") return;
  const imports = manifest?.imports as Record<string, unknown> | undefined;
  if (!imports || typeof imports !== "object") return;
  for (const alias of Object.keys(imports).sort()) {
    const spec = imports[alias];
    if (!isImportSpec(spec)) continue; // the loader reports a malformed import at its line
    const chainAlias = chain === "" ? alias : `${chain}/${alias}`;
    const found = await findLibrary(walk, holder, chainAlias, spec);
    if (typeof found === "string") {
      await dropImport(manifestPath, alias);
      walk.warnings.push(`${walk.label}: import ${chainAlias}: ${found}; compared without it`);
    } else await walkImports(walk, found, depth + 1, chainAlias);
  }
}

function isImportSpec(value: unknown): value is ImportSpec {
  if (!value || typeof value !== "object") return false;
  const spec = value as Record<string, unknown>;
  return spec.git === undefined
    ? typeof spec.path === "string"
    : typeof spec.git === "string" && typeof spec.ref === "string";
}

/** The library's folder in the mirror, or why it cannot be found at this commit. */
async function findLibrary(
  walk: ImportWalk,
  holder: LibraryHolder,
  chainAlias: string,
  spec: ImportSpec,
): Promise<LibraryHolder | string> {
  if (spec.git === undefined && holder.git === undefined) {
    const dir = resolve(holder.dir, spec.path!);
    const prefix = toPosixPath(relative(walk.mirror, dir));
    if (prefix === ".." || prefix.startsWith("../") || isAbsolute(prefix))
      return `${spec.path} is outside the repository`;
    if (!walk.written.has(prefix)) {
      walk.written.add(prefix);
      await writeSourceFiles({ root: walk.repo.root, prefix }, walk.commit, walk.mirror, { vendored: false });
    }
    return existsSync(join(dir, MANIFEST)) ? { dir } : `${spec.path} has no ${MANIFEST} at that commit`;
  }
  // From git: the copy vendored at that commit, found exactly as a build without network finds it.
  try {
    const found = await locateLibrary(
      { rootDir: walk.rootDir, mode: "vendored", vendored: new Set() },
      holder,
      chainAlias,
      spec,
      () => ({ file: MANIFEST }),
    );
    return existsSync(join(found.dir, MANIFEST))
      ? { dir: found.dir, git: found.git }
      : `its vendored copy has no ${MANIFEST}`;
  } catch (error) {
    if (!(error instanceof SpecPromptError)) throw error;
    return error.message.replace(`import ${chainAlias}: `, "");
  }
}

/** Removes `imports.<alias>` from a manifest written to the mirror (never one of the user's files). */
async function dropImport(manifestPath: string, alias: string): Promise<void> {
  const document = parseDocument(await readFile(manifestPath, "utf8"));
  document.deleteIn(["imports", alias]);
  const left = document.get("imports");
  if (isMap(left) && left.items.length === 0) document.delete("imports");
  await writeFile(manifestPath, document.toString());
}
