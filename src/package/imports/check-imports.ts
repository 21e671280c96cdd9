import { isAbsolute } from "node:path";
import { isContainedPath } from "../contained-path.js";
import type { ManifestFinding } from "../describe-schema-issues.js";
import type { Manifest } from "../manifest-schema.js";
import type { ImportKind } from "./import-kinds.js";

/** A git URL or local path: no leading '-' (an option to git), no whitespace or control characters. */
const SAFE_GIT_URL = /^(?!-)[^\s\0-\x1f\x7f]+$/;

/** A tag, branch or commit: git's ref rules, minus anything git could read as an option or a refspec. */
const SAFE_GIT_REF = /^(?!-)(?!.*\.\.)(?!.*\.lock$)[A-Za-z0-9._/+@-]+$/;

/** Which imported layers each kind of package can use. */
export const USABLE_KINDS: Record<Manifest["kind"], readonly ImportKind[]> = {
  code: ["guide", "context", "criteria"],
  prompt: ["partials"],
  library: ["guide", "context", "criteria", "partials"],
};

/** Fields a library has no use for: it is imported, never built or evaluated. */
const NOT_FOR_LIBRARIES = ["core", "template", "evals", "threshold", "grader", "handwritten"] as const;

/** Cross-field checks of `imports:` and of `kind: library`, on a manifest the schema accepted. */
export function checkImports(
  manifest: Manifest,
  errors: ManifestFinding[],
  warnings: ManifestFinding[],
): void {
  for (const [alias, spec] of Object.entries(manifest.imports ?? {})) {
    const at = ["imports", alias];
    if (spec.git === undefined) {
      if (spec.path === undefined) {
        errors.push({
          message: `imports.${alias}: give path: (the library's folder) or git: (its repository) with ref:`,
          path: at,
          hint: "e.g. { path: ../libs/ts-style } or { git: https://github.com/org/libs.git, ref: v1.0.0 }",
        });
      } else if (isAbsolute(spec.path) || /^[A-Za-z]:|^~/.test(spec.path)) {
        errors.push({
          message: `imports.${alias}.path: use a path relative to this manifest, not '${spec.path}'`,
          path: [...at, "path"],
          hint: "a relative path keeps the package and its lock portable between machines",
        });
      }
      if (spec.ref !== undefined) {
        errors.push({
          message: `imports.${alias}.ref: only a git import has a ref`,
          path: [...at, "ref"],
          atKey: true,
          hint: "add git: <repository URL>, or remove ref:",
        });
      }
    } else {
      // Both reach git's command line: a value starting with '-' would be read as an option
      // (--upload-pack=<command> runs a command), and a library's manifest is untrusted.
      if (!SAFE_GIT_URL.test(spec.git)) {
        errors.push({
          message: `imports.${alias}.git: '${spec.git}' is not a repository URL or path git can fetch safely`,
          path: [...at, "git"],
          hint: "use an https://, ssh://, git@host:, file:// URL or a relative path; it may not start with '-' or hold spaces",
        });
      }
      if (spec.ref !== undefined && !SAFE_GIT_REF.test(spec.ref)) {
        errors.push({
          message: `imports.${alias}.ref: '${spec.ref}' is not a tag, branch or commit name`,
          path: [...at, "ref"],
          hint: "use letters, digits and . _ / + @ -, not starting with '-' and without '..', e.g. ref: v1.2.0",
        });
      }
      if (spec.ref === undefined) {
        errors.push({
          message: `imports.${alias}: a git import needs ref: (a tag or a commit)`,
          path: at,
          hint: "the ref is what the import is pinned to, e.g. ref: v1.2.0",
        });
      }
      if (spec.path !== undefined && !isContainedPath(spec.path)) {
        errors.push({
          message: `imports.${alias}.path: must be a folder inside the repository`,
          path: [...at, "path"],
          hint: "path: is relative to the repository's top folder, with no '..' out of it",
        });
      }
    }
    checkUse(manifest.kind, alias, spec.use, spec.sections, warnings);
  }
  if (manifest.kind === "library") {
    for (const field of NOT_FOR_LIBRARIES) {
      if (manifest[field] !== undefined) {
        warnings.push({
          message: `${field}: a kind: library package is only imported, never built; ignored`,
          path: [field],
          atKey: true,
        });
      }
    }
  }
}

function checkUse(
  kind: Manifest["kind"],
  alias: string,
  use: ImportKind[] | undefined,
  sections: string[] | undefined,
  warnings: ManifestFinding[],
): void {
  const at = ["imports", alias];
  if (sections !== undefined && use !== undefined && !use.includes("guide")) {
    warnings.push({
      message: `imports.${alias}.sections: picks sections of the guide, which use: leaves out`,
      path: [...at, "sections"],
      atKey: true,
      hint: "add guide to use:, or remove sections:",
    });
  }
  use?.forEach((layer, i) => {
    if (!USABLE_KINDS[kind].includes(layer)) {
      warnings.push({
        message: `imports.${alias}.use: a kind: ${kind} package has no use for ${layer}; ignored`,
        path: [...at, "use", i],
        hint: `a kind: ${kind} package takes ${USABLE_KINDS[kind].join(", ")}`,
      });
    } else if (use.indexOf(layer) !== i) {
      warnings.push({ message: `imports.${alias}.use: lists ${layer} twice`, path: [...at, "use", i] });
    }
  });
}
