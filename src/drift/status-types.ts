/**
 * What `specprompt status` reports. A file the lock knows is `clean`, `modified` (edited by hand
 * since the build wrote it) or `missing`; a file in a unit's owned paths that no build wrote is
 * `untracked`; a file listed in `handwritten:` is `handwritten` whatever its content.
 */
export type FileState = "clean" | "modified" | "missing" | "untracked" | "handwritten";

export interface FileStatus {
  /** Relative to the package's `out`, as in the lock. */
  path: string;
  state: FileState;
  /** The unit that wrote the file (tracked), or the first unit that owns it (untracked). */
  unit?: string;
}

/** A unit whose inputs changed since the lock, and which input. */
export interface StaleUnit {
  unit: string;
  reasons: string[];
}

export interface StatusReport {
  package: { name: string; version: string; dir: string };
  /** The target, for a package with targets (`status` sets it). */
  target?: string;
  /** Absolute root of the output tree. */
  outDir: string;
  /** The build the lock records. */
  lock: { version: string; buildId: string; builtAt: string };
  /** Every tracked, untracked and hand-written file, sorted by path. */
  files: FileStatus[];
  /** Units a build would regenerate because an input changed (files missing on disk are not counted here). */
  stale: StaleUnit[];
  /** Units in the lock that the manifest no longer has: a build deletes their files. */
  removedUnits: string[];
  /** Why the lock itself is out of date even where no unit is stale (version or params changed). */
  lockOutdated: string[];
  counts: Record<FileState, number> & { stale: number };
  /** Nothing modified, missing or stale, and the lock is current. */
  clean: boolean;
  warnings: string[];
}

/** The parts of a report that depend only on the package's inputs and folder listings, not on file contents. */
export interface StatusFacts {
  package: StatusReport["package"];
  outDir: string;
  lock: StatusReport["lock"];
  stale: StaleUnit[];
  removedUnits: string[];
  lockOutdated: string[];
  untracked: { path: string; unit: string }[];
  handwritten: string[];
  warnings: string[];
}

/**
 * Assemble the report from the facts and the state of each tracked file, the tracked files sorted
 * by path (as the status index keeps them).
 */
export function makeStatusReport(
  facts: StatusFacts,
  tracked: { path: string; unit: string; state: "clean" | "modified" | "missing" }[],
): StatusReport {
  const others: FileStatus[] = [
    ...facts.untracked.map((file) => ({ ...file, state: "untracked" as const })),
    ...facts.handwritten.map((path) => ({ path, state: "handwritten" as const })),
  ];
  // Tracked files come sorted: sorting 10,000 of them again would cost a status from the index 1-2 ms.
  const files: FileStatus[] =
    others.length === 0
      ? tracked
      : [...tracked, ...others].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const counts = {
    clean: 0,
    modified: 0,
    missing: 0,
    untracked: facts.untracked.length,
    handwritten: facts.handwritten.length,
    stale: facts.stale.length,
  };
  for (const file of tracked) counts[file.state]++;
  return {
    package: facts.package,
    outDir: facts.outDir,
    lock: facts.lock,
    files,
    stale: facts.stale,
    removedUnits: facts.removedUnits,
    lockOutdated: facts.lockOutdated,
    counts,
    clean:
      counts.modified === 0 &&
      counts.missing === 0 &&
      facts.stale.length === 0 &&
      facts.removedUnits.length === 0 &&
      facts.lockOutdated.length === 0,
    warnings: facts.warnings,
  };
}
