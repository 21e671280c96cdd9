import type { TokenCount, UnitInputs, UnitLock } from "../lock/lock-schema.js";
import type { LoadedUnit } from "../package/types.js";
import { sha256 } from "../util/hash.js";
import type { AssembledPrompt } from "./assemble-prompt.js";
import type { UnitGeneration } from "./generate-with-chat.js";
import { hashOutputs } from "./unit-inputs.js";

/** A unit this build (re)generated, as it stands after the latest round. */
export interface UnitWork {
  unit: LoadedUnit;
  action: "generate" | "restore";
  reasons: string[];
  /** Its lock entry before this build. */
  entry?: UnitLock;
  /** Inputs as computed when it was generated (recomputed at the end if a needed unit was refined). */
  inputs: UnitInputs;
  inputHash: string;
  /** The first round's prompt; absent when the unit was replayed from its recorded requests. */
  prompt?: AssembledPrompt;
  /** Every file of the unit: path → content. */
  files: Map<string, string>;
  requests: string[];
  /** Tokens of every response that made the files (what the lock records). */
  usage: TokenCount;
  /** Tokens this run spent (responses not from the cache). */
  spent: TokenCount;
  cached: number;
  refused: string[];
  /** Generation rounds that made the files. */
  iterations: number;
}

/** A unit's state after its first round. */
export function startUnitWork(
  base: Pick<UnitWork, "unit" | "action" | "reasons" | "entry" | "inputs" | "inputHash" | "prompt">,
  generation: UnitGeneration,
  iterations: number,
): UnitWork {
  return {
    ...base,
    files: new Map(generation.files),
    requests: [...generation.requests],
    usage: { ...generation.usage },
    spent: { ...generation.spent },
    cached: generation.cached,
    refused: [...generation.refused],
    iterations,
  };
}

/** Add a refinement round to a unit: its requests and tokens, and its files as they now are. */
export function addRound(work: UnitWork, generation: UnitGeneration, files: Map<string, string>): void {
  work.files = files;
  work.requests.push(...generation.requests);
  work.usage.input += generation.usage.input;
  work.usage.output += generation.usage.output;
  work.spent.input += generation.spent.input;
  work.spent.output += generation.spent.output;
  work.cached += generation.cached;
  work.refused.push(...generation.refused);
  work.iterations += 1;
}

/** path → sha256 of content. */
export function hashFiles(files: ReadonlyMap<string, string>): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const [path, content] of files) hashes[path] = sha256(content);
  return hashes;
}

/** Whether the unit ended where its lock entry already is: same inputs, same files. */
export function matchesEntry(work: UnitWork, inputHash: string = work.inputHash): boolean {
  return (
    work.entry !== undefined &&
    work.entry.inputHash === inputHash &&
    hashOutputs(hashFiles(work.files)) === hashOutputs(work.entry.outputs)
  );
}

/** Record a unit's files in the pending writes: its files, and removal of recorded files it no longer has. */
export function applyToOverlay(
  overlay: Map<string, string | null>,
  files: ReadonlyMap<string, string>,
  dropped: Iterable<string>,
): void {
  for (const [path, content] of files) overlay.set(path, content);
  for (const path of dropped) if (!files.has(path)) overlay.set(path, null);
}
