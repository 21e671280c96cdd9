import { listTargets } from "../package/targets.js";
import type { BuildOptions, BuildResult } from "./build-types.js";

/** A build of a package with `targets`: one build per target, each with its own lock section. */
export interface TargetsBuildResult {
  /** The worst of the targets' statuses: failed, else built, else up-to-date. */
  status: BuildResult["status"];
  targets: BuildResult[];
}

export type AnyBuildResult = BuildResult | TargetsBuildResult;

/**
 * Build the package, or each selected target of it (`targets`: `--target`, default all) one after
 * the other. A failed target does not stop the others: they are independent trees, and a user
 * fixing one stack wants to know where the others stand.
 */
export async function buildTargets(
  options: BuildOptions & { targets?: string[] },
  build: (options: BuildOptions) => Promise<BuildResult>,
): Promise<AnyBuildResult> {
  const { targets: wanted, ...rest } = options;
  const targets = await listTargets({ dir: rest.dir, cwd: rest.cwd, targets: wanted });
  if (targets.length === 1 && targets[0] === undefined) return build(rest);
  const results: BuildResult[] = [];
  for (const target of targets) {
    if (rest.signal?.aborted) break;
    results.push(await build({ ...rest, target }));
  }
  return { status: worstStatus(results), targets: results };
}

/** The builds inside a result: itself, or each target's. */
export function targetResults(result: AnyBuildResult): BuildResult[] {
  return "targets" in result ? result.targets : [result];
}

function worstStatus(results: BuildResult[]): BuildResult["status"] {
  if (results.some((result) => result.status === "failed")) return "failed";
  return results.some((result) => result.status === "built") ? "built" : "up-to-date";
}
