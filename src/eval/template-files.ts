import { join, relative } from "node:path";
import { SpecPromptError } from "../errors.js";
import { toPosixPath } from "../package/contained-path.js";
import { importPrefix } from "../package/imports/import-kinds.js";
import { type PackageFiles, PackagePathError } from "./package-files.js";

/** A file a template reads: in the package (`space` "") or in an imported library (`space` its alias). */
export interface TemplateFile {
  space: string;
  /** POSIX path relative to the package or library folder. */
  rel: string;
  /** `rel` for the package's files, `@alias/rel` for a library's: how it is named and hashed. */
  key: string;
}

/** Where a template's files come from: the package, and the libraries it imports partials from. */
export interface TemplateSources {
  file(rel: string): TemplateFile;
  readText(file: TemplateFile): string;
  /** The file a `{{> written}}` in `from` names: relative to `from`, or `@alias/path` in a library. */
  resolvePartial(
    from: TemplateFile,
    written: string,
    where: { file: string; line: number; column: number },
  ): TemplateFile;
  /** How a file is named in messages. */
  display(key: string): string;
}

/**
 * Template files of a package plus `libraries` (alias → its files; `ts-style/base` for a library's
 * own import). A partial is contained in its package or library folder, whichever it is in.
 */
export function createTemplateSources(
  files: PackageFiles,
  libraries: Record<string, PackageFiles>,
  display: (rel: string) => string,
): TemplateSources {
  const shown = new Map<string, string>();
  const make = (space: string, rel: string): TemplateFile => {
    const key = space === "" ? rel : `${importPrefix(space)}${rel}`;
    // A library's file is named by its path from the package folder (`../libs/tone/rules.md`).
    if (space !== "")
      shown.set(key, display(toPosixPath(relative(files.dir, join(libraries[space]!.dir, rel)))));
    return { space, rel, key };
  };
  const filesOf = (space: string) => (space === "" ? files : libraries[space]!);
  return {
    file: (rel) => make("", rel),
    readText: (file) => filesOf(file.space).readText(file.rel),
    resolvePartial(from, written, where) {
      const imported = /^@([^/]+)\/(.*)$/.exec(written);
      const space = imported
        ? from.space === ""
          ? imported[1]!
          : `${from.space}/${imported[1]}`
        : from.space;
      const target = imported ? imported[2]! : written;
      if (imported && libraries[space] === undefined) {
        const known = Object.keys(libraries).filter((alias) => !alias.includes("/"));
        throw new SpecPromptError(
          "E_TEMPLATE",
          `partial ${written}: no import named ${imported[1]} gives partials`,
          {
            location: where,
            hint:
              known.length > 0
                ? `imports giving partials: ${known.join(", ")}`
                : "add the library under imports: in specprompt.yaml (with partials in its use:, or no use:)",
          },
        );
      }
      const library = filesOf(space);
      try {
        const rel = library.resolve(imported ? "" : from.rel, target);
        library.readText(rel);
        return make(space, rel);
      } catch (error) {
        if (!(error instanceof PackagePathError)) throw error;
        const scope = space === "" ? "" : ` (in the library imported as ${space})`;
        throw new SpecPromptError("E_TEMPLATE", `partial ${error.message}${scope}`, {
          location: where,
          hint: `${error.hint}; partials are relative to the file that includes them, @alias/path to a library's folder`,
        });
      }
    },
    display: (key) => shown.get(key) ?? display(key),
  };
}
