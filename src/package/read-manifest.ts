import { readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { formatLocation, SpecPromptError } from "../errors.js";
import type { Manifest } from "./manifest-schema.js";
import { type ManifestIssue, type ParsedManifest, parseManifest } from "./parse-manifest.js";

/** The manifest file name a package folder holds. */
export const MANIFEST_FILE = "specprompt.yaml";

const findHint = "run `specprompt init <name>` to create a package, or pass the package folder";

/** A manifest that failed its checks: one error for the CLI, every issue for tools that want them. */
export class ManifestError extends SpecPromptError {
  readonly issues: ManifestIssue[];

  constructor(file: string, issues: ManifestIssue[]) {
    const [first] = issues as [ManifestIssue, ...ManifestIssue[]];
    const location = { file, line: first.line, column: first.column };
    const message =
      issues.length === 1
        ? first.message
        : `${issues.length} problems in ${file}:\n${issues.map((issue) => formatIssue(file, issue)).join("\n")}`;
    super("E_MANIFEST", message, { location, hint: issues.length === 1 ? first.hint : undefined });
    this.name = "ManifestError";
    this.issues = issues;
  }
}

export interface ReadManifestResult {
  manifest: Manifest;
  /** Each as `file:line:col: message`. */
  warnings: string[];
  locate: ParsedManifest["locate"];
}

/** The absolute path of the manifest for a package folder or a manifest file; E_MANIFEST when there is none. */
export async function findManifest(dirOrFile: string, cwd: string): Promise<string> {
  const target = resolve(cwd, dirOrFile);
  const info = await stat(target).catch(() => undefined);
  if (!info)
    throw new SpecPromptError("E_MANIFEST", `no such file or folder: ${dirOrFile}`, { hint: findHint });
  if (!info.isDirectory()) return target;
  const manifestPath = join(target, MANIFEST_FILE);
  const manifestInfo = await stat(manifestPath).catch(() => undefined);
  if (!manifestInfo?.isFile()) {
    throw new SpecPromptError("E_MANIFEST", `no ${MANIFEST_FILE} in ${dirOrFile}`, { hint: findHint });
  }
  return manifestPath;
}

/**
 * Reads and checks a manifest. Throws one ManifestError (E_MANIFEST) listing every problem;
 * `displayPath` is how the file is named in messages (defaults to `path`).
 */
export async function readManifest(path: string, displayPath = path): Promise<ReadManifestResult> {
  const text = await readFile(path, "utf8").catch((error: unknown) => {
    throw new SpecPromptError("E_MANIFEST", `cannot read ${displayPath}`, { cause: error, hint: findHint });
  });
  const parsed = parseManifest(text, displayPath);
  if (!parsed.manifest || parsed.errors.length > 0) throw new ManifestError(displayPath, parsed.errors);
  const warnings = parsed.warnings.map((issue) => formatIssue(displayPath, issue));
  return { manifest: parsed.manifest, warnings, locate: parsed.locate };
}

/** `file:line:col: message`, with the hint on the next line when there is one. */
export function formatIssue(file: string, issue: ManifestIssue): string {
  const where = formatLocation({ file, line: issue.line, column: issue.column });
  return issue.hint ? `${where}: ${issue.message}\n  hint: ${issue.hint}` : `${where}: ${issue.message}`;
}
