import type { LoadedPackage } from "../package/types.js";
import { extractCriteria, findCoverage } from "../validate/criteria.js";

/** Which acceptance criteria the hand-written tests name. */
export interface CriteriaReport {
  /** The criteria file, relative to the package. */
  file: string;
  total: number;
  /** Criterion id → names of the tests that carry it. */
  covered: Record<string, string[]>;
  /** Criteria no test names, with their line in `file`. */
  uncovered: { id: string; title: string; line: number }[];
}

/**
 * Trace the package's criteria (`AC-1`, ...) to its tests (pure). Both are known before any model is
 * asked, so `requireCoverage` can fail a build before it spends anything. Undefined when the
 * package has no criteria file or it gives no ids.
 */
export function checkCriteriaCoverage(pkg: LoadedPackage): CriteriaReport | undefined {
  if (!pkg.criteria) return undefined;
  const criteria = extractCriteria(pkg.criteria.content);
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
    else uncovered.push({ id: criterion.id, title: criterion.title, line: criterion.line });
  }
  return { file: pkg.criteria.path, total: criteria.length, covered, uncovered };
}
