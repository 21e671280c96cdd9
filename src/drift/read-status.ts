import type { PackageArgs } from "../build/build-types.js";
import { readIndexedStatus } from "./indexed-status.js";
import type { StatusReport } from "./status-types.js";

export type { FileState, FileStatus, StaleUnit, StatusReport } from "./status-types.js";

/**
 * What `specprompt status` reports: every tracked file clean, modified or missing, untracked and
 * hand-written files, stale units. No model. When no input moved since the last status, the
 * answer comes from the status index and the outputs' stats alone, without loading the package.
 */
export async function readStatus(args: PackageArgs): Promise<StatusReport> {
  const started = Date.now();
  const indexed = await readIndexedStatus(args);
  if (indexed) return indexed;
  const { computeStatus } = await import("./compute-status.js");
  return (await computeStatus(args, { command: "report", started })).report;
}
