import { isAbsolute, relative } from "node:path";
import { SpecPromptError } from "../../errors.js";
import { toPosixPath } from "../contained-path.js";
import type { Manifest } from "../manifest-schema.js";
import type { LayerSource } from "../read-layers.js";
import { USABLE_KINDS } from "./check-imports.js";
import { listImportedFiles } from "./imported-files.js";
import { resolveImports } from "./resolve-imports.js";
import type { ImportMode, PackageImports } from "./types.js";

/** What loading a package's imports gives the rest of the load. */
export interface LoadedImports {
  imports?: PackageImports;
  warnings: string[];
  /** Library files inside the package folder (relative, POSIX): never context, never model output. */
  inPackage: string[];
}

/**
 * The imports of a package being loaded: a `kind: library` package is refused (it is only
 * imported, never built), the rest resolved (`mode` defaults to `vendored`: no network).
 */
export async function loadImports(
  manifest: Manifest,
  source: LayerSource,
  mode: ImportMode = "vendored",
): Promise<LoadedImports> {
  // `ignore` is how versions are compared, libraries' versions too.
  if (manifest.kind === "library" && mode !== "ignore") {
    throw new SpecPromptError(
      "E_MANIFEST",
      `${manifest.name} is a kind: library package: other packages import it, it is not built on its own`,
      {
        location: { file: source.manifestDisplay, ...source.locate(["kind"]) },
        hint: `import it from a package (imports: { ${shortAlias(manifest.name)}: { path: <its folder> } }) and build that one`,
      },
    );
  }
  const { imports, warnings } = await resolveImports({
    ...source,
    manifest,
    usable: USABLE_KINDS[manifest.kind],
    mode,
  });
  const inPackage = listImportedFiles(imports)
    .map((file) => relative(source.dir, file))
    .filter((rel) => rel !== "" && !rel.startsWith("..") && !isAbsolute(rel))
    .map(toPosixPath);
  return { imports, warnings, inPackage };
}

function shortAlias(name: string): string {
  return name.replace(/^@[^/]+\//, "");
}
