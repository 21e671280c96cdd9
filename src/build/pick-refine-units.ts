import { framePath } from "../validate/clean-output.js";
import { readImports, resolveImport } from "../validate/test-imports.js";
import type { TestFailure } from "../validate/test-report.js";

export interface RefineCandidates {
  /** The units this build generated, in build order: the only ones a refinement may send back. */
  units: readonly string[];
  /** Every current output file of the package (relative to out) → the unit that owns it. */
  owners: ReadonlyMap<string, string>;
  /** The package's hand-written tests, path relative to out. */
  tests: ReadonlyArray<{ path: string; content: string }>;
}

export interface RefineChoice {
  /** Units to send back, in build order. */
  units: string[];
  /** For each chosen unit, the files of it the failures point to (empty when chosen for want of any). */
  because: Record<string, string[]>;
  /** True when nothing pointed at a unit of this build, so every one of them was chosen. */
  all: boolean;
}

/**
 * Which units a round of failures goes back to (pure): those of this build whose files the
 * failures point at — stack frames and paths named in the messages, else the modules the failing
 * test imports. When nothing points at any of them, all of them.
 */
export function pickRefineUnits(
  failures: readonly TestFailure[],
  candidates: RefineCandidates,
): RefineChoice {
  const inBuild = new Set(candidates.units);
  const tests = new Map(candidates.tests.map((test) => [test.path, test.content]));
  const known = new Set(candidates.owners.keys());
  const pointed = new Map<string, Set<string>>();
  const point = (paths: Iterable<string>): boolean => {
    let found = false;
    for (const path of paths) {
      const unit = candidates.owners.get(path);
      if (unit === undefined || !inBuild.has(unit)) continue;
      pointed.set(unit, (pointed.get(unit) ?? new Set<string>()).add(path));
      found = true;
    }
    return found;
  };
  for (const failure of failures) {
    const paths = new Set(failure.frames.map(framePath));
    if (failure.file) paths.add(failure.file);
    const text = `${failure.name}\n${failure.message}`;
    const named = [...known].filter((path) => mentions(text, path));
    // A frame or a message naming a file of the build is precise; the test's imports are the
    // fallback when it names none (an assertion fails in the test file itself).
    if (point([...paths, ...named])) continue;
    for (const path of paths) {
      const content = tests.get(path);
      if (content === undefined) continue;
      point(
        readImports(path, content)
          .map((specifier) => resolveImport(path, specifier, known))
          .filter((target) => target !== undefined),
      );
    }
  }
  if (pointed.size === 0) return everyUnit(candidates.units);
  const units = candidates.units.filter((unit) => pointed.has(unit));
  return {
    units,
    because: Object.fromEntries(units.map((unit) => [unit, [...pointed.get(unit)!].sort()])),
    all: false,
  };
}

/** All the units of the build, chosen for want of anything more precise. */
export function everyUnit(units: readonly string[]): RefineChoice {
  return { units: [...units], because: Object.fromEntries(units.map((unit) => [unit, []])), all: true };
}

/** Whether `text` names `path` as a whole path (not as the tail of a longer one). */
function mentions(text: string, path: string): boolean {
  let from = text.indexOf(path);
  while (from >= 0) {
    const before = from === 0 ? "" : text[from - 1]!;
    const after = text[from + path.length] ?? "";
    if (!/[\w./-]/.test(before) && !/[\w-]/.test(after)) return true;
    from = text.indexOf(path, from + 1);
  }
  return false;
}
