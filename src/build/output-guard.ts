import { lstatSync } from "node:fs";
import { join, relative } from "node:path";
import picomatch from "picomatch";

/** Decides whether a path the model asked to write may be written. Model output is untrusted. */
export interface OutputGuard {
  /** undefined when the write is allowed, else the reason it is refused (sent back to the model). */
  check(path: unknown): string | undefined;
}

export interface OutputGuardOptions {
  /** Absolute root of the output tree. */
  outDir: string;
  /** Absolute package folder (may equal outDir). */
  packageDir: string;
  /** The unit's owned globs, relative to out. */
  owns: string[];
  /** Validation test globs, relative to out: never writable. */
  tests: string[];
  /** Hand-owned globs (`handwritten:`), relative to out: never writable. */
  handwritten?: string[];
  /** Package files relative to the package folder: never writable. */
  protectedPaths: string[];
}

const MATCH_OPTIONS = { dot: true } as const;

/** Build the guard for one unit. */
export function createOutputGuard(options: OutputGuardOptions): OutputGuard {
  const owned = picomatch(options.owns, MATCH_OPTIONS);
  const isTest = options.tests.length > 0 ? picomatch(options.tests, MATCH_OPTIONS) : () => false;
  const handwritten = options.handwritten ?? [];
  const isHandwritten = handwritten.length > 0 ? picomatch(handwritten, MATCH_OPTIONS) : () => false;
  const isProtected = protectedMatcher(options.outDir, options.packageDir, options.protectedPaths);

  return {
    check(path) {
      const shape = checkShape(path);
      if (shape) return shape;
      const rel = normalize(path as string);
      if (isHandwritten(rel))
        return `${rel} is hand-written (handwritten: in the manifest); it is never generated`;
      if (isProtected(rel))
        return `${rel} is a source file of the package; generated code never overwrites it`;
      if (isTest(rel)) return `${rel} is a validation test; tests are hand-written and read-only`;
      if (!owned(rel)) return `${rel} is outside this unit's owned paths (${options.owns.join(", ")})`;
      const link = findSymlink(options.outDir, rel);
      if (link) return `${link} is a symbolic link; writing through it could escape the output tree`;
      return undefined;
    },
  };
}

const matchers = new WeakMap<string[], Map<string, (path: string) => boolean>>();

/**
 * Whether a path relative to out is one of the package's own files (or inside one of its folders).
 * Built once per package and list: a package with 10,000 units has 10,000 protected prompts.
 */
export function protectedMatcher(
  outDir: string,
  packageDir: string,
  protectedPaths: string[],
): (path: string) => boolean {
  const key = `${outDir}\0${packageDir}`;
  let byRoot = matchers.get(protectedPaths);
  if (!byRoot) {
    byRoot = new Map();
    matchers.set(protectedPaths, byRoot);
  }
  const cached = byRoot.get(key);
  if (cached) return cached;
  // Compared without case: on macOS and Windows `Core.md` is the same file as `core.md`.
  // `out` is always inside the package folder, so a protected path is in it when it starts with
  // out's own path; string work instead of path.relative for each of thousands of layers.
  const outPrefix = relative(packageDir, outDir).split("\\").join("/");
  const inOut = new Set<string>();
  for (const path of protectedPaths) {
    const inside =
      outPrefix === "" ? path : path.startsWith(`${outPrefix}/`) ? path.slice(outPrefix.length + 1) : "";
    if (inside !== "") inOut.add(inside.toLowerCase());
  }
  const matcher = (path: string) => {
    const parts = path.toLowerCase().split("/");
    for (let i = 1; i <= parts.length; i++) if (inOut.has(parts.slice(0, i).join("/"))) return true;
    return false;
  };
  byRoot.set(key, matcher);
  return matcher;
}

/** `./a//b` → `a/b`; callers have already rejected `..`, absolute paths and backslashes. */
export function normalize(path: string): string {
  return path
    .split("/")
    .filter((part) => part !== "" && part !== ".")
    .join("/");
}

function checkShape(path: unknown): string | undefined {
  if (typeof path !== "string" || path.trim() === "") return "path must be a non-empty string";
  if (path.includes("\0")) return "path must not contain NUL bytes";
  if (path.includes("\\")) return `${path}: use forward slashes, relative to the output root`;
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path) || path.startsWith("~")) {
    return `${path} is absolute; give a path relative to the output root`;
  }
  if (path.split("/").includes(".."))
    return `${path} climbs out with '..'; give a path inside the output root`;
  const clean = normalize(path);
  if (clean === "") return `${path} names the output root itself, not a file`;
  const parts = clean.toLowerCase().split("/");
  // A nested .git (a submodule) is as dangerous as the top one: its hooks run on the next git command.
  if (parts.includes(".git")) return `${clean} is inside .git/, which is never generated`;
  if (parts[0] === ".specprompt") return `${clean} is inside .specprompt/, which is never generated`;
  return undefined;
}

/** The first existing component of `rel` under `root` that is a symlink, if any. */
function findSymlink(root: string, rel: string): string | undefined {
  const parts = rel.split("/");
  for (let i = 1; i <= parts.length; i++) {
    const sub = parts.slice(0, i).join("/");
    try {
      if (lstatSync(join(root, sub)).isSymbolicLink()) return sub;
    } catch {
      return undefined; // does not exist yet: nothing below it can be a link either
    }
  }
  return undefined;
}
