import { readFile } from "node:fs/promises";
import { formatLocation, SpecPromptError } from "../errors.js";
import { FIND_HINT } from "./find-manifest.js";
import type { Manifest } from "./manifest-schema.js";
import { type ManifestIssue, type ParsedManifest, parseManifest } from "./parse-manifest.js";

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

/**
 * Reads and checks a manifest. Throws one ManifestError (E_MANIFEST) listing every problem;
 * `displayPath` is how the file is named in messages (defaults to `path`).
 */
export async function readManifest(path: string, displayPath = path): Promise<ReadManifestResult> {
  const text = await readFile(path, "utf8").catch((error: unknown) => {
    throw new SpecPromptError("E_MANIFEST", `cannot read ${displayPath}`, { cause: error, hint: FIND_HINT });
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
