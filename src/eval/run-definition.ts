/** The definition side the runner uses by default: the package loader, case files and assertions. */
import type { EvalDefinition } from "./run-types.js";

/** Loads the definition-side modules (on first use, so `--help` never pays for them). */
export async function loadDefinition(): Promise<EvalDefinition> {
  const [{ loadPromptPackage }, { loadCases }, { gradeCase, prepareCases }] = await Promise.all([
    import("./load-prompt-package.js"),
    import("./cases.js"),
    import("./assertions.js"),
  ]);
  return {
    // An eval is online anyway: it may fetch a git import that is not vendored yet.
    loadPackage: (dir, options) => loadPromptPackage(dir, { ...options, imports: "fetch" }),
    loadCases: (pkg, options) => loadCases(pkg, options),
    prepareCases: (cases, packageDir) => prepareCases(cases, packageDir),
    gradeCase,
  };
}
