import { join } from "node:path";
import type { ResponseCache } from "../cache/response-cache.js";
import type { LoadedPackage } from "../package/types.js";
import type { Provider, ProviderEnv } from "../providers/types.js";
import type { BuildEvent } from "./build-events.js";

/** Where a build keeps its scratch state, relative to the package folder. */
export const STATE_DIR = ".specprompt";

/** Everything the steps of one build share. */
export interface BuildContext {
  pkg: LoadedPackage;
  buildId: string;
  cache: ResponseCache;
  offline: boolean;
  force: boolean;
  /** `--stamp`: every generated file gets a header naming package and unit (see stamp.ts). */
  stamp?: boolean;
  providerEnv: ProviderEnv;
  getProvider(modelId: string): Promise<Provider>;
  report(event: BuildEvent): void;
  signal?: AbortSignal;
}

/** Scratch folder of a build: work trees for agents and validation. */
export function scratchDir(pkgDir: string, buildId: string): string {
  return join(pkgDir, STATE_DIR, "tmp", buildId);
}

/** Folder of commit transactions (same filesystem as the outputs, so renames are atomic). */
export function stagingDir(pkgDir: string): string {
  return join(pkgDir, STATE_DIR, "staging");
}
