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
import { checkTrackedFiles, trackedStates } from "./tracked-files.js";

/**
 * The status from the status index alone, when no input and no listed folder moved since the last
 * full status: the outputs are statted and only those whose stat changed are hashed. Loads neither
 * the package, YAML, zod nor the lock, and is bundled on its own for bin/specprompt.js (see
 * src/cli/fast-status.ts). Undefined when the index cannot answer; computeStatus then does.
 */
export async function readIndexedStatus(args: PackageArgs): Promise<StatusReport | undefined> {
  const started = Date.now();
  let manifestPath: string;
  try {
    manifestPath = await findManifest(args.dir, args.cwd);
  } catch {
    return undefined; // the full status reports it
  }
  const pkgDir = dirname(manifestPath);
  const index = readStatusIndex(pkgDir, manifestPath, args.target);
  const root = statPrefix(pkgDir);
  if (!index || !factsStillHold(root, index, statusKey(args))) return undefined;
  const checked = await checkTrackedFiles(root, index, () => readLockHashes(pkgDir, index), started);
  if (!checked) return undefined;
  if (checked.changed) await writeStatusIndex(pkgDir, index);
  return makeStatusReport(index.facts, trackedStates(index, checked.codes));
}
