import type { LoadedPackage } from "../package/types.js";
import { extractCriteria, findCoverage } from "../validate/criteria.js";

/** Which acceptance criteria the hand-written tests name. */
export interface CriteriaReport {
  /** The package's criteria file, relative to the package (else the first imported one, `@alias/...`). */
  file: string;
  total: number;
  /** Criterion id → names of the tests that carry it. */
  covered: Record<string, string[]>;
  /** Criteria no test names, with their file (relative to the package, `@alias/...` when imported) and line. */
  uncovered: { id: string; title: string; line: number; file: string }[];
}

/**
 * Trace the package's criteria (`AC-1`, ...) and those its imports give (`QA-1`, ...) to its tests
 * (pure). Both are known before any model is asked, so `requireCoverage` can fail a build before it
 * spends anything. Undefined when there is no criteria file or none gives ids.
 */
export function checkCriteriaCoverage(pkg: LoadedPackage): CriteriaReport | undefined {
  const files = [pkg.criteria, ...(pkg.imports?.criteria ?? [])].filter((layer) => layer !== undefined);
  const criteria = files.flatMap((layer) =>
    extractCriteria(layer.content).map((criterion) => ({ ...criterion, file: layer.path })),
  );
  if (criteria.length === 0) return undefined;
  const coverage = findCoverage(
    criteria,
    pkg.tests.map((test) => ({ path: test.path, content: test.content })),
  );
  const covered: Record<string, string[]> = {};
  const uncovered: CriteriaReport["uncovered"] = [];
  for (const criterion of criteria) {
    const tests = coverage.get(criterion.id) ?? [];
    if (tests.length > 0) covered[criterion.id] = tests;
    else
      uncovered.push({
        id: criterion.id,
        title: criterion.title,
        line: criterion.line,
        file: criterion.file,
      });
  }
  return { file: files[0]!.path, total: criteria.length, covered, uncovered };
}
