import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { formatLocation, type SourceLocation, SpecPromptError } from "../../errors.js";
import { suggestName } from "../../util/closest-name.js";
import { sha256 } from "../../util/hash.js";
import { normalizeLayerPath } from "../contained-path.js";
import { MANIFEST_FILE } from "../find-manifest.js";
import { readManifestChecked } from "../manifest-cache.js";
import type { Manifest } from "../manifest-schema.js";
import type { ParsedManifest } from "../parse-manifest.js";
import {
  displayPath,
  type LayerSource,
  normalizeText,
  readContextLayers,
  readLayer,
} from "../read-layers.js";
import { renderParams } from "../render-params.js";
import type { Layer } from "../types.js";
import type { ImportKind } from "./import-kinds.js";
import { listSectionTitles, selectSections } from "./select-sections.js";

/** A library's checked manifest and where it is. */
export interface LibraryManifest {
  dir: string;
  manifestPath: string;
  manifestDisplay: string;
  manifest: Manifest;
  locate: ParsedManifest["locate"];
  warnings: string[];
}

/** Reads the manifest of the library in `dir`; errors name the library's file:line, or the import when there is no manifest. */
export async function readLibraryManifest(
  dir: string,
  cwd: string,
  alias: string,
  importedAt: SourceLocation,
): Promise<LibraryManifest> {
  const manifestPath = join(dir, MANIFEST_FILE);
  const manifestDisplay = displayPath(cwd, manifestPath);
  if (!existsSync(manifestPath)) {
    const problem = existsSync(dir) ? `has no ${MANIFEST_FILE}` : "does not exist";
    throw new SpecPromptError("E_IMPORT", `import ${alias}: ${displayPath(cwd, dir)} ${problem}`, {
      location: importedAt,
      hint: `an import names a package folder (one holding a ${MANIFEST_FILE}), such as a kind: library package`,
    });
  }
  try {
    const read = await readManifestChecked(manifestPath, manifestDisplay);
    return { dir, manifestPath, manifestDisplay, ...read };
  } catch (error) {
    if (!(error instanceof SpecPromptError)) throw error;
    throw new SpecPromptError(error.code, `import ${alias}: ${error.message}`, {
      cause: error,
      location: error.location,
      hint: error.hint ?? `the library is imported at ${formatLocation(importedAt)}`,
    });
  }
}

/** The layers a library gives, paths relative to its folder: its own, before any of its imports. */
export interface LibraryLayers {
  guide?: Layer;
  context: Layer[];
  criteria?: Layer;
  warnings: string[];
}

/**
 * Reads the layers `use` asks for from a library, rendered with `params`; `sections` narrows its
 * guide (missing titles are an error at `sectionsAt`).
 */
export async function readLibraryLayers(
  library: LibraryManifest,
  options: {
    alias: string;
    cwd: string;
    use: readonly ImportKind[];
    params: Record<string, string>;
    sections?: string[];
    sectionsAt: (index: number) => SourceLocation;
  },
): Promise<LibraryLayers> {
  const { manifest } = library;
  const source: LayerSource = {
    dir: library.dir,
    cwd: options.cwd,
    manifestDisplay: library.manifestDisplay,
    params: options.params,
    locate: library.locate,
  };
  const wants = (kind: ImportKind) => options.use.includes(kind);
  let guide: Layer | undefined;
  if (wants("guide") && manifest.guide !== undefined) {
    guide =
      options.sections === undefined
        ? await readLayer(source, "guide", manifest.guide, ["guide"])
        : readGuideSections(source, manifest.guide, options);
  } else if (options.sections !== undefined && wants("guide")) {
    throw new SpecPromptError("E_IMPORT", `import ${options.alias}: sections: the library has no guide`, {
      location: options.sectionsAt(0),
      hint: `${library.manifestDisplay} names no guide:; remove sections:`,
    });
  }
  const criteria =
    wants("criteria") && manifest.validation?.criteria !== undefined
      ? await readLayer(source, "criteria", manifest.validation.criteria, ["validation", "criteria"])
      : undefined;
  const others = new Set(
    [MANIFEST_FILE, manifest.core, manifest.guide, manifest.validation?.criteria, manifest.template]
      .filter((path) => path !== undefined)
      .map((path) => normalizeLayerPath(path)),
  );
  const context =
    wants("context") && manifest.context !== undefined
      ? await readContextLayers(source, manifest.context, others)
      : { layers: [], warnings: [] };
  return { guide, context: context.layers, criteria, warnings: context.warnings };
}

/** The guide's chosen sections, picked before params are rendered (a section left out may use params nobody set). */
function readGuideSections(
  source: LayerSource,
  path: string,
  options: { alias: string; sections?: string[]; sectionsAt: (index: number) => SourceLocation },
): Layer {
  const rel = normalizeLayerPath(path);
  const absolute = join(source.dir, rel);
  let text: string;
  try {
    text = normalizeText(readFileSync(absolute, "utf8"));
  } catch (error) {
    throw new SpecPromptError("E_LAYER", `guide: ${path} cannot be read`, {
      cause: error,
      location: { file: source.manifestDisplay, ...source.locate(["guide"]) },
      hint: `create ${displayPath(source.cwd, absolute)} or change guide: in the library's manifest`,
    });
  }
  const sections = options.sections ?? [];
  const picked = selectSections(text, sections);
  if (picked.missing.length > 0) {
    const [first] = picked.missing as [string];
    const titles = listSectionTitles(text);
    throw new SpecPromptError(
      "E_IMPORT",
      `import ${options.alias}: ${rel} has no section '${first}'${suggestName(first, titles)}`,
      {
        location: options.sectionsAt(sections.indexOf(first)),
        hint:
          titles.length > 0
            ? `its ## and ### sections: ${titles.join(", ")}`
            : `${rel} has no ## or ### sections`,
      },
    );
  }
  // Each section is rendered at its own line (padded with the newlines before it), so an
  // undefined param is reported at its line in the library's guide.
  const display = displayPath(source.cwd, absolute);
  const rendered = picked.parts.map(({ line, text: part }) =>
    renderParams(`${"\n".repeat(line)}${part}`, source.params, display)
      .slice(line)
      .trim(),
  );
  const content = `${rendered.join("\n\n")}\n`;
  return { kind: "guide", path: rel, content, hash: sha256(content) };
}
