import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LOCK_FILE } from "../../lock/lock-file.js";
import type { ImportOrigin } from "./types.js";

/**
 * The imports the package's lock pins (alias → origin), read loosely: it only picks the commit
 * to fetch when a vendored copy is missing, so a lock that is missing or odd just pins nothing.
 */
export function readLockPins(dir: string): Map<string, ImportOrigin> {
  const pins = new Map<string, ImportOrigin>();
  try {
    type Pinned = { imports?: unknown };
    const lock = JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8")) as Pinned & {
      targets?: Record<string, Pinned>;
    };
    // A package with targets pins per target; where a git source is fetched from is the same for all.
    for (const pinned of [lock, ...Object.values(lock.targets ?? {})]) {
      if (!pinned?.imports || typeof pinned.imports !== "object") continue;
      for (const [alias, entry] of Object.entries(pinned.imports as Record<string, ImportOrigin>)) {
        if (entry && typeof entry.source === "string") pins.set(alias, entry);
      }
    }
  } catch {
    // no lock, or not JSON: nothing pinned
  }
  return pins;
}
