import { statSync } from "node:fs";
import { posix } from "node:path";
import picomatch from "picomatch";
import { handwrittenMatcher } from "../build/handwritten.js";
import { protectedMatcher } from "../build/output-guard.js";
import type { LoadedPackage } from "../package/types.js";
import { existingFolderAbove, walkListed } from "./listed-folders.js";

/**
 * Files in the units' owned paths that no build wrote (`known` holds what the lock records), with
 * the first unit that owns each; and the folders (relative to out) whose listing decided it, so a
 * later status can tell from their mtimes that nothing was added or removed. Tests, hand-written
 * files and the package's own files are never untracked.
 */
export function findUntracked(
  pkg: LoadedPackage,
  known: ReadonlySet<string>,
): { files: { path: string; unit: string }[]; dirs: string[] } {
  const owners = pkg.units.map((unit) => ({ unit: unit.name, owns: picomatch(unit.owns, { dot: true }) }));
  const tests = new Set(pkg.tests.map((test) => test.path));
  const isHandwritten = handwrittenMatcher(pkg);
  const isProtected = protectedMatcher(pkg.outDir, pkg.dir, pkg.protectedPaths);
  const dirs = new Set<string>();
  const walked = new Set<string>();
  const candidates = new Set<string>();
  for (const pattern of pkg.units.flatMap((unit) => unit.owns)) {
    const scan = picomatch.scan(pattern);
    if (scan.negated) continue;
    if (!scan.isGlob) {
      const path = posix.normalize(pattern);
      // A path the lock knows (or that can never be untracked) needs no look: its folder's listing
      // decides nothing, and a status of 10,000 owned files would otherwise stat 1,000 folders.
      if (known.has(path) || tests.has(path) || isHandwritten(path) || isProtected(path)) continue;
      dirs.add(existingFolderAbove(pkg.outDir, path));
      if (statSync(`${pkg.outDir}/${path}`, { throwIfNoEntry: false })?.isFile()) candidates.add(path);
      continue;
    }
    const base = scan.base === "" || scan.base === "." ? "" : posix.normalize(scan.base);
    if (walked.has(base)) continue;
    walked.add(base);
    const tree = walkListed(pkg.outDir, base);
    for (const dir of tree.dirs) dirs.add(dir);
    for (const file of tree.files) candidates.add(file);
  }
  const files: { path: string; unit: string }[] = [];
  for (const path of candidates) {
    if (known.has(path) || tests.has(path) || isHandwritten(path) || isProtected(path)) continue;
    const owner = owners.find((candidate) => candidate.owns(path));
    if (owner) files.push({ path, unit: owner.unit });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, dirs: [...dirs].sort() };
}
