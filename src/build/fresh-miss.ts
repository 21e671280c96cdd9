/**
 * bin/specprompt.js asks the freshness index about a build in its CommonJS fast path; when the
 * answer is no, the CLI it then loads in the same process runs that same build and need not ask
 * again (each ask parses the index and stats files up to the first change). The two sides are
 * separate bundles, so the answer travels on a global under a registered symbol.
 */
const FRESH_MISS = Symbol.for("specprompt.fresh-miss");

type Holder = { [FRESH_MISS]?: boolean };

/** Remember that the freshness index said this process's build is not up to date. */
export function noteFreshMiss(): void {
  (globalThis as Holder)[FRESH_MISS] = true;
}

/** Whether the fast path found the build not up to date (answered once: a watch asks again). */
export function takeFreshMiss(): boolean {
  const holder = globalThis as Holder;
  const missed = holder[FRESH_MISS] === true;
  delete holder[FRESH_MISS];
  return missed;
}
