import type { Layer } from "../types.js";
import type { ImportKind } from "./import-kinds.js";

/**
 * How imports are resolved: `fetch` may fetch a git import that is not vendored yet (build);
 * `offline` and `vendored` never touch the network (`--offline`, and every command that only
 * reads); `ignore` leaves imports out (comparing versions extracted from git).
 */
export type ImportMode = "fetch" | "offline" | "vendored" | "ignore";

/** Where an import comes from, as the lock pins it. */
export interface ImportOrigin {
  /** The path as the manifest writes it (relative to the importing package), or the git URL. */
  source: string;
  /** Git: the tag or commit the manifest names. */
  ref?: string;
  /** Git: the commit the ref resolved to. */
  commit?: string;
  /** Git: the library's folder inside the repository. */
  path?: string;
}

/** One library, resolved and read: what it gives the package that imports it. */
export interface ResolvedImport extends ImportOrigin {
  /** `ts-style`, or `ts-style/base` for what ts-style itself imports as `base`. */
  alias: string;
  /** The library's package name and version. */
  name: string;
  version: string;
  /** Absolute folder of the library (for git, its vendored copy). */
  dir: string;
  /** Absolute path of its manifest. */
  manifestPath: string;
  /** The layers taken from it, after `use:` (of every importer on the way) and `sections:`. */
  use: ImportKind[];
  guide?: Layer;
  context: Layer[];
  criteria?: Layer;
  /** Its context globs, for the indexes that notice new files. */
  contextGlobs: string[];
  /** Every file of the library this import read, path relative to `dir` → sha256 of what was used. */
  files: Record<string, string>;
  /** sha256 of everything it gives: its own layers and what its own imports give. */
  hash: string;
}

/** Everything a package's `imports:` gives it, flattened. */
export interface PackageImports {
  /** Every library, direct and nested, depth first in manifest order. */
  all: ResolvedImport[];
  /** Direct imports: alias → `hash` (a unit input). */
  hashes: Record<string, string>;
  /** Imported layers in order; paths read `@alias/path` (`@ts-style/@base/guide.md` when nested). */
  guide: Layer[];
  context: Layer[];
  criteria: Layer[];
  /** Libraries whose files a template may include as `{{> @alias/file}}`: alias → absolute folder. */
  partials: Record<string, string>;
}
