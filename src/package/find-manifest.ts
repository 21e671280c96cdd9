import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import { SpecPromptError } from "../errors.js";

/** The manifest file name a package folder holds. */
export const MANIFEST_FILE = "specprompt.yaml";

/** What to do when there is no manifest. */
export const FIND_HINT = "run `specprompt init <name>` to create a package, or pass the package folder";

/** The absolute path of the manifest for a package folder or a manifest file; E_MANIFEST when there is none. */
export async function findManifest(dirOrFile: string, cwd: string): Promise<string> {
  const target = resolve(cwd, dirOrFile);
  const info = statSync(target, { throwIfNoEntry: false });
  if (!info)
    throw new SpecPromptError("E_MANIFEST", `no such file or folder: ${dirOrFile}`, { hint: FIND_HINT });
  if (!info.isDirectory()) return target;
  const manifestPath = join(target, MANIFEST_FILE);
  const manifestInfo = statSync(manifestPath, { throwIfNoEntry: false });
  if (!manifestInfo?.isFile()) {
    throw new SpecPromptError("E_MANIFEST", `no ${MANIFEST_FILE} in ${dirOrFile}`, { hint: FIND_HINT });
  }
  return manifestPath;
}
