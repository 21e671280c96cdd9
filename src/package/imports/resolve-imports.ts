import { type SourceLocation, SpecPromptError } from "../../errors.js";
import { asList } from "../../util/as-list.js";
import { sha256 } from "../../util/hash.js";
import { stableStringify } from "../../util/stable-json.js";
import type { Manifest } from "../manifest-schema.js";
import type { ParsedManifest } from "../parse-manifest.js";
import type { LayerSource } from "../read-layers.js";
import type { Layer } from "../types.js";
import { IMPORT_KINDS, type ImportKind, importPrefix } from "./import-kinds.js";
import type { ImportSpec } from "./import-schema.js";
import { type GitOrigin, identityOf, type LocateContext, locateLibrary } from "./locate-library.js";
import { type LibraryManifest, readLibraryLayers, readLibraryManifest } from "./read-library.js";
import type { ImportMode, PackageImports, ResolvedImport } from "./types.js";

/** How deep libraries may import libraries: the package's imports are depth 1. */
export const MAX_IMPORT_DEPTH = 8;

/** The importing package as a layer source (its folder, params, manifest positions), and how to resolve. */
export interface ResolveImportsOptions extends LayerSource {
  manifest: Manifest;
  /** Which layers the package can use at all (a code package: no partials; a prompt: only partials). */
  usable: readonly ImportKind[];
  mode: ImportMode;
}

/** A package whose imports are being resolved: the root, or a library on the way down. */
interface Importer {
  name: string;
  /** What makes two packages the same (real folder, or repository, commit and folder). */
  identity: string;
  dir: string;
  manifestDisplay: string;
  manifest: Manifest;
  locate: ParsedManifest["locate"];
  params: Record<string, string>;
  /** "" for the root, else its alias chain (`ts-style/base`). */
  alias: string;
  use: readonly ImportKind[];
  /** The packages from the root to this one. */
  chain: { name: string; identity: string }[];
  /** Set when this package came from git: relative imports stay in the same repository and commit. */
  git?: GitOrigin;
}

interface Resolution {
  options: ResolveImportsOptions;
  locating: LocateContext;
  all: ResolvedImport[];
  identities: Map<ResolvedImport, string>;
  warnings: string[];
}

/**
 * Resolves a package's `imports:` depth first: finds each library (a folder, or a git source
 * vendored under `.specprompt/imports/`), reads the layers it gives, and recurses into its own
 * imports. Cycles and chains deeper than MAX_IMPORT_DEPTH are refused, naming the chain.
 */
export async function resolveImports(
  options: ResolveImportsOptions,
): Promise<{ imports?: PackageImports; warnings: string[] }> {
  // `imports: {}` imports nothing: the package's hashes must stay those of a package without imports.
  if (options.mode === "ignore" || Object.keys(options.manifest.imports ?? {}).length === 0)
    return { warnings: [] };
  const locating: LocateContext = { rootDir: options.dir, mode: options.mode, vendored: new Set() };
  const state: Resolution = { options, locating, all: [], identities: new Map(), warnings: [] };
  try {
    if (options.manifest.imports) {
      const root: Importer = {
        name: options.manifest.name,
        identity: identityOf(options.dir),
        dir: options.dir,
        manifestDisplay: options.manifestDisplay,
        manifest: options.manifest,
        locate: options.locate,
        params: options.params,
        alias: "",
        use: options.usable,
        chain: [],
      };
      root.chain = [{ name: root.name, identity: root.identity }];
      await resolveChildren(state, root);
    }
  } finally {
    locating.fetcher?.dispose();
  }
  if (!options.manifest.imports) return { warnings: state.warnings };
  return { imports: flatten(state), warnings: state.warnings };
}

/** Resolves the imports of `importer`; returns alias → hash of what each gives. */
async function resolveChildren(state: Resolution, importer: Importer): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  // In alias order: the order of imported layers in a prompt must follow from what is hashed.
  const entries = Object.entries(importer.manifest.imports ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [alias, spec] of entries) {
    hashes[alias] = (await resolveOne(state, importer, alias, spec)).hash;
  }
  return hashes;
}

async function resolveOne(
  state: Resolution,
  importer: Importer,
  alias: string,
  spec: ImportSpec,
): Promise<ResolvedImport> {
  const { cwd } = state.options;
  const chainAlias = importer.alias === "" ? alias : `${importer.alias}/${alias}`;
  const at = (...path: (string | number)[]): SourceLocation => ({
    file: importer.manifestDisplay,
    ...importer.locate(["imports", alias, ...path]),
  });
  if (importer.chain.length > MAX_IMPORT_DEPTH) {
    const chain = [...importer.chain.map((link) => link.name), alias].join(" → ");
    throw new SpecPromptError("E_IMPORT", `imports nest deeper than ${MAX_IMPORT_DEPTH}: ${chain}`, {
      location: at(),
      hint: "import the deeper libraries directly from the package, or merge some of them",
    });
  }
  const found = await locateLibrary(state.locating, importer, chainAlias, spec, at);
  const cycleAt = importer.chain.findIndex((link) => link.identity === found.identity);
  if (cycleAt >= 0) {
    const names = [...importer.chain.slice(cycleAt).map((link) => link.name), importer.chain[cycleAt]!.name];
    throw new SpecPromptError("E_IMPORT", `imports form a cycle: ${names.join(" → ")}`, {
      location: at(),
      hint: "a library may not import, directly or through other libraries, a package that imports it",
    });
  }
  const library = await readLibraryManifest(found.dir, cwd, chainAlias, at());
  state.warnings.push(...library.warnings.map((warning) => `import ${chainAlias}: ${warning}`));
  const use = (spec.use ?? IMPORT_KINDS).filter((kind) => importer.use.includes(kind));
  const params = { ...stringParams(library.manifest.params), ...importer.params };
  const layers = await readLibraryLayers(library, {
    alias: chainAlias,
    cwd,
    use,
    params,
    sections: spec.sections,
    sectionsAt: (index) => at("sections", index),
  });
  state.warnings.push(...layers.warnings.map((warning) => `import ${chainAlias}: ${warning}`));
  const prefix = importPrefix(chainAlias);
  const own = [layers.guide, ...layers.context, layers.criteria].filter((layer) => layer !== undefined);
  const resolved: ResolvedImport = {
    alias: chainAlias,
    ...found.origin,
    name: library.manifest.name,
    version: library.manifest.version,
    dir: found.dir,
    manifestPath: library.manifestPath,
    use,
    guide: layers.guide && prefixed(layers.guide, prefix),
    context: layers.context.map((layer) => prefixed(layer, prefix)),
    criteria: layers.criteria && prefixed(layers.criteria, prefix),
    contextGlobs: asList(library.manifest.context),
    files: Object.fromEntries(own.map((layer) => [layer.path, layer.hash])),
    hash: "",
  };
  state.all.push(resolved);
  state.identities.set(resolved, found.identity);
  const nested = await resolveChildren(
    state,
    libraryImporter(importer, library, {
      alias: chainAlias,
      identity: found.identity,
      use,
      params,
      git: found.git,
    }),
  );
  resolved.hash = sha256(
    stableStringify({
      guide: layers.guide ? [layers.guide.path, layers.guide.hash] : null,
      context: Object.fromEntries(layers.context.map((layer) => [layer.path, layer.hash])),
      criteria: layers.criteria ? [layers.criteria.path, layers.criteria.hash] : null,
      imports: nested,
    }),
  );
  return resolved;
}

function libraryImporter(
  importer: Importer,
  library: LibraryManifest,
  link: Pick<Importer, "alias" | "identity" | "use" | "params" | "git">,
): Importer {
  const name = library.manifest.name;
  return {
    ...link,
    name,
    dir: library.dir,
    manifestDisplay: library.manifestDisplay,
    manifest: library.manifest,
    locate: library.locate,
    chain: [...importer.chain, { name, identity: link.identity }],
  };
}

/** Every import, its layers deduplicated: a library two others import gives its layers once. */
function flatten(state: Resolution): PackageImports {
  const seen = new Set<string>();
  const take = (layers: (Layer | undefined)[], imported: ResolvedImport) =>
    layers.filter((layer): layer is Layer => {
      if (layer === undefined) return false;
      const path = layer.path.slice(importPrefix(imported.alias).length);
      const key = `${state.identities.get(imported)}\0${path}\0${layer.hash}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  const guide: Layer[] = [];
  const context: Layer[] = [];
  const criteria: Layer[] = [];
  const partials: Record<string, string> = {};
  for (const imported of state.all) {
    guide.push(...take([imported.guide], imported));
    context.push(...take(imported.context, imported));
    criteria.push(...take([imported.criteria], imported));
    if (imported.use.includes("partials")) partials[imported.alias] = imported.dir;
  }
  const hashes: Record<string, string> = {};
  for (const imported of state.all) if (!imported.alias.includes("/")) hashes[imported.alias] = imported.hash;
  return { all: state.all, hashes, guide, context, criteria, partials };
}

function prefixed(layer: Layer, prefix: string): Layer {
  return { ...layer, path: `${prefix}${layer.path}` };
}

function stringParams(params: Manifest["params"]): Record<string, string> {
  return Object.fromEntries(Object.entries(params ?? {}).map(([name, value]) => [name, String(value)]));
}
