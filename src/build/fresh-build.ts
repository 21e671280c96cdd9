import { findManifest } from "../package/find-manifest.js";
import type { BuildOptions, BuildResult } from "./build-types.js";
import { type FreshResult, freshnessKey, readFresh } from "./freshness-index.js";

/** The result of a build with nothing to do, straight from the freshness index when it applies. */
export async function checkFreshBuild(options: BuildOptions): Promise<BuildResult | undefined> {
  const started = Date.now();
  let manifestPath: string;
  try {
    manifestPath = await findManifest(options.dir, options.cwd);
  } catch {
    return undefined; // the full path reports it
  }
  const fresh = readFresh(manifestPath, freshnessKey(options), options.target);
  if (!fresh) return undefined;
  options.reporter?.({ type: "plan", plan: fresh.plan });
  return upToDateResult(makeBuildId((options.now ?? (() => new Date()))()), fresh, started);
}

/** The report of a build that had nothing to do. */
export function upToDateResult(buildId: string, fresh: FreshResult, started: number): BuildResult {
  return {
    status: "up-to-date",
    buildId,
    package: fresh.package,
    plan: fresh.plan,
    units: [],
    tokens: { input: 0, output: 0 },
    filesWritten: 0,
    lockWritten: false,
    warnings: fresh.warnings,
    durationMs: Date.now() - started,
  };
}

/** `20261121T094725Z-39b7c1`: sortable by time; one build per package runs at a time. */
export function makeBuildId(time: Date): string {
  return `${time.toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "")}-${Math.floor(
    Math.random() * 0x1000000,
  )
    .toString(16)
    .padStart(6, "0")}`;
}
