import { posix } from "node:path";
import picomatch from "picomatch";
import { parse } from "yaml";

/** The files of a package that are its source (what `version` compares and `checkout` restores). */
export const MANIFEST = "specprompt.yaml";
export const CHANGELOG = "CHANGELOG.md";
export const LOCK = "specprompt.lock";

/** The manifest's YAML as a loose object; undefined when it does not parse to a map. */
export function readRawManifest(text: string): Record<string, unknown> | undefined {
  try {
    const data: unknown = parse(text);
    return data && typeof data === "object" && !Array.isArray(data)
      ? (data as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const strings = (value: unknown): string[] =>
  typeof value === "string"
    ? [value]
    : Array.isArray(value)
      ? value.filter((v) => typeof v === "string")
      : [];

const objectOf = (value: unknown): Record<string, unknown> =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

const clean = (path: string) => posix.normalize(path.replace(/\\/g, "/")).replace(/^\.\//, "");

/**
 * The layer files a manifest names, as paths relative to the package folder, sorted: core, guide,
 * template, criteria, unit prompts, and what the context, evals, tests and hand-written globs match
 * among `files` (every file of the package folder, relative to it). The manifest itself is not included.
 */
export function layerFiles(manifest: Record<string, unknown>, files: readonly string[]): string[] {
  const out = clean(typeof manifest.out === "string" ? manifest.out : ".");
  const found = new Set<string>();
  const named = [manifest.core, manifest.guide, manifest.template].flatMap(strings);
  const validation = (manifest.validation ?? {}) as Record<string, unknown>;
  named.push(...strings(validation.criteria));
  for (const unit of Object.values((manifest.units ?? {}) as Record<string, unknown>))
    if (unit && typeof unit === "object") named.push(...strings((unit as Record<string, unknown>).prompt));
  for (const path of named) found.add(clean(path));
  const match = (globs: string[], base: string) => {
    if (globs.length === 0) return;
    const isMatch = picomatch(globs.map(clean), { dot: false });
    for (const file of files) {
      const rel = base === "." ? file : file.startsWith(`${base}/`) ? file.slice(base.length + 1) : undefined;
      if (rel !== undefined && isMatch(rel)) found.add(file);
    }
  };
  match([...strings(manifest.context), ...strings(manifest.evals)], ".");
  const targets = Object.values(objectOf(manifest.targets)).map(objectOf);
  if (targets.length === 0) match([...strings(validation.tests), ...strings(manifest.handwritten)], out);
  // Each target has its own guide and out, and may have its own tests and hand-written files.
  for (const target of targets) {
    for (const guide of strings(target.guide)) found.add(clean(guide));
    const tests = strings(objectOf(target.validation).tests ?? validation.tests);
    match(
      [...tests, ...strings(target.handwritten ?? manifest.handwritten)],
      clean(strings(target.out)[0] ?? "."),
    );
  }
  return [...found].filter((path) => !path.startsWith("../")).sort();
}

/** Every source file of a package: the manifest, its layers, and CHANGELOG.md and the lock when present. */
export function sourceFiles(manifest: Record<string, unknown>, files: readonly string[]): string[] {
  const present = new Set(files);
  const extra = [CHANGELOG, LOCK].filter((path) => present.has(path));
  return [MANIFEST, ...layerFiles(manifest, files), ...extra];
}
