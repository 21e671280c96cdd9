import { readFileSync, realpathSync } from "node:fs";
import { posix, sep } from "node:path";
import { normalizeText } from "../package/read-layers.js";

/** A path that is not a readable file inside the package: what is wrong and what to do. */
export class PackagePathError extends Error {
  readonly hint: string;

  constructor(message: string, hint: string) {
    super(message);
    this.name = "PackagePathError";
    this.hint = hint;
  }
}

/** Reads files a package refers to (partials, `file://` values, modules), never outside its folder. */
export interface PackageFiles {
  /** Absolute package folder. */
  readonly dir: string;
  /**
   * The package-relative POSIX path of `written`, a path found in the file `from` (itself
   * package-relative) and relative to that file's folder. Absolute paths and `..` out of the
   * package are a PackagePathError.
   */
  resolve(from: string, written: string): string;
  /** The absolute path of a package-relative file that exists and, symbolic links followed, is inside the package. */
  locate(rel: string): string;
  /** A package file's text (BOM and CRLF normalised), read once per instance unless `remember` is false. */
  readText(rel: string, options?: { remember?: boolean }): string;
}

const CONTAINED_HINT = "refer to files inside the package folder with a relative path";

/** File access for one package folder; texts are remembered, so one instance per load. */
export function createPackageFiles(dir: string): PackageFiles {
  let realDir: string | undefined;
  const texts = new Map<string, string>();
  const files: PackageFiles = {
    dir,
    resolve(from, written) {
      const bare = written.replaceAll("\\", "/");
      if (bare === "" || bare.startsWith("/") || /^[A-Za-z]:/.test(bare) || bare.startsWith("~")) {
        throw new PackagePathError(`'${written}' is not a relative path`, CONTAINED_HINT);
      }
      const rel = posix.normalize(posix.join(posix.dirname(from), bare));
      if (rel === ".." || rel.startsWith("../")) {
        throw new PackagePathError(`'${written}' points outside the package folder`, CONTAINED_HINT);
      }
      return rel;
    },
    locate(rel) {
      const absolute = `${dir}/${rel}`;
      let real: string;
      try {
        real = realpathSync(absolute);
      } catch {
        throw new PackagePathError(`${rel} does not exist`, `create ${rel} in the package folder`);
      }
      realDir ??= realpathSync(dir);
      if (!real.startsWith(realDir + sep)) {
        throw new PackagePathError(`${rel} is a link to a file outside the package folder`, CONTAINED_HINT);
      }
      return absolute;
    },
    readText(rel, options) {
      const known = texts.get(rel);
      if (known !== undefined) return known;
      const absolute = files.locate(rel);
      let text: string;
      try {
        text = normalizeText(readFileSync(absolute, "utf8"));
      } catch (error) {
        const isFolder = (error as NodeJS.ErrnoException).code === "EISDIR";
        throw new PackagePathError(`${rel} ${isFolder ? "is a folder" : "cannot be read"}`, "name a file");
      }
      if (options?.remember !== false) texts.set(rel, text);
      return text;
    },
  };
  return files;
}
