import { dirname } from "node:path";
import type { PackageArgs } from "../build/build-types.js";
import { findManifest } from "../package/find-manifest.js";
import { statPrefix } from "../util/stat-prefix.js";
import {
  factsStillHold,
  readLockHashes,
  readStatusIndex,
  statusKey,
  writeStatusIndex,
} from "./status-index.js";
import { makeStatusReport, type StatusReport } from "./status-types.js";
import { checkTrackedFiles } from "./tracked-files.js";

export type { FileState, FileStatus, StaleUnit, StatusReport } from "./status-types.js";

/**
 * What `specprompt status` reports: every tracked file clean, modified or missing, untracked and
 * hand-written files, stale units. No model. When no input moved since the last status, the
 * answer comes from the status index and the outputs' stats alone, without loading the package.
 */
export async function readStatus(args: PackageArgs): Promise<StatusReport> {
  const started = Date.now();
  const manifestPath = await findManifest(args.dir, args.cwd);
  const pkgDir = dirname(manifestPath);
  const index = readStatusIndex(pkgDir, manifestPath);
  const root = statPrefix(pkgDir);
  if (index && factsStillHold(root, index, statusKey(args))) {
    const checked = await checkTrackedFiles(root, index, () => readLockHashes(pkgDir, index), started);
    if (checked) {
      if (checked.changed) await writeStatusIndex(pkgDir, index);
      return makeStatusReport(index.facts, checked.states);
    }
  }
  const { computeStatus } = await import("./compute-status.js");
  return (await computeStatus(args, { command: "report", started })).report;
}
