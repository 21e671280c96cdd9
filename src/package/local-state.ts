import { join } from "node:path";

/** Machine-local derived state of a package (never committed). */
export const LOCAL_STATE_DIR = ".specprompt/local";

/** The machine-local state folder of a package, or of one of its targets (`.specprompt/local/targets/<t>`). */
export function localStateDir(dir: string, target?: string): string {
  return target === undefined ? join(dir, LOCAL_STATE_DIR) : join(dir, LOCAL_STATE_DIR, "targets", target);
}
