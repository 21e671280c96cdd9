import { realpathSync } from "node:fs";
import { isAbsolute, join, posix, resolve } from "node:path";
import { type SourceLocation, SpecPromptError } from "../../errors.js";
import type { GitFetcher } from "./git-fetcher.js";
import type { ImportSpec } from "./import-schema.js";
import { readLockPins } from "./lock-pins.js";
import type { ImportMode, ImportOrigin, ResolvedImport } from "./types.js";
import { type GitSource, readVendored, vendorGitSource, vendorKey } from "./vendor-git.js";

/** A library that came from git, and the URL git was given for it (a relative URL made absolute). */
export type GitOrigin = GitSource & { commit: string; fetchUrl: string };

/** What finding libraries shares over one resolution: vendored copies live in the root package. */
export interface LocateContext {
  rootDir: string;
  mode: ImportMode;
  /** Keys of the vendored copies in use, so the others can be pruned. */
  vendored: Set<string>;
  fetcher?: GitFetcher;
  pins?: Map<string, ImportOrigin>;
}

/** The package whose import is being found: relative paths start at `dir`, or stay in its repository. */
export interface LibraryHolder {
  dir: string;
  git?: GitOrigin;
}

/** A library found: its folder, what makes it the same library as another, and its origin. */
export interface FoundLibrary {
  dir: string;
  identity: string;
  origin: Pick<ResolvedImport, "source" | "ref" | "commit" | "path">;
  git?: GitOrigin;
}

/** Where the library is: a folder relative to the importer, or a vendored (maybe just fetched) git source. */
export async function locateLibrary(
  ctx: LocateContext,
  importer: LibraryHolder,
  chainAlias: string,
  spec: ImportSpec,
  at: (...path: (string | number)[]) => SourceLocation,
): Promise<FoundLibrary> {
  if (spec.git === undefined && importer.git === undefined) {
    const dir = resolve(importer.dir, spec.path!);
    return { dir, identity: identityOf(dir), origin: { source: spec.path! } };
  }
  let source: GitSource;
  let fetchUrl: string;
  let pinned: string | undefined;
  if (spec.git === undefined) {
    // A library from git importing by path: the same repository at the same commit.
    const parent = importer.git!;
    const path = posix.normalize(posix.join(parent.path, spec.path!.replaceAll("\\", "/")));
    if (path === ".." || path.startsWith("../")) {
      throw new SpecPromptError(
        "E_IMPORT",
        `import ${chainAlias}: ${spec.path} points outside ${parent.url}`,
        {
          location: at("path"),
          hint: "a library fetched from git imports by path only inside its own repository; use git: for others",
        },
      );
    }
    source = { url: parent.url, ref: parent.ref, path: path === "." ? "" : path };
    fetchUrl = parent.fetchUrl;
    pinned = parent.commit;
  } else {
    if (importer.git !== undefined && isRelativeUrl(spec.git)) {
      throw new SpecPromptError("E_IMPORT", `import ${chainAlias}: git: ${spec.git} is relative`, {
        location: at("git"),
        hint: "a library fetched from git must name other repositories by a full URL",
      });
    }
    source = { url: spec.git, ref: spec.ref!, path: posix.normalize(spec.path ?? ".").replace(/^\.$/, "") };
    fetchUrl = localUrl(spec.git, importer.dir);
  }
  const copy = readVendored(ctx.rootDir, source);
  // A folder of a library's own repository must come from the very commit the library did.
  const current = copy && (pinned === undefined || copy.commit === pinned) ? copy : undefined;
  const vendored = current ?? (await fetchSource(ctx, chainAlias, source, fetchUrl, pinned, at));
  ctx.vendored.add(vendorKey(source));
  const origin = {
    source: source.url,
    ref: source.ref,
    commit: vendored.commit,
    ...(source.path !== "" && { path: source.path }),
  };
  return {
    dir: vendored.dir,
    identity: `git:${source.url}#${vendored.commit}:${source.path}`,
    origin,
    git: { ...source, commit: vendored.commit, fetchUrl },
  };
}

async function fetchSource(
  ctx: LocateContext,
  chainAlias: string,
  source: GitSource,
  fetchUrl: string,
  pinned: string | undefined,
  at: (...path: (string | number)[]) => SourceLocation,
): Promise<{ dir: string; commit: string }> {
  const { mode, rootDir: dir } = ctx;
  const where = `${source.url}${source.path === "" ? "" : ` (${source.path})`} at ${source.ref}`;
  if (mode !== "fetch") {
    const offline = mode === "offline";
    throw new SpecPromptError(
      "E_IMPORT",
      `import ${chainAlias}: ${where} is not fetched yet${offline ? ", and --offline does not fetch" : ""}`,
      {
        location: at(),
        hint: offline
          ? "build once without --offline, then commit .specprompt/imports/ so other clones need no network"
          : "run `specprompt build` (it fetches imports), and commit .specprompt/imports/",
      },
    );
  }
  // A ref the lock already resolved is fetched at that commit, so a moved tag changes nothing.
  ctx.pins ??= readLockPins(dir);
  const pin = ctx.pins.get(chainAlias);
  const locked =
    pin && pin.source === source.url && pin.ref === source.ref && (pin.path ?? "") === source.path
      ? pin.commit
      : undefined;
  // Loaded only when something is fetched: most loads read vendored copies or folders.
  const { createGitFetcher } = await import("./git-fetcher.js");
  ctx.fetcher ??= createGitFetcher(join(dir, ".specprompt", "tmp"));
  try {
    return await vendorGitSource(dir, source, fetchUrl, pinned ?? locked ?? source.ref, ctx.fetcher);
  } catch (error) {
    throw new SpecPromptError(
      "E_IMPORT",
      `import ${chainAlias}: cannot fetch ${where}: ${(error as Error).message}`,
      {
        cause: error,
        location: at(),
        hint: `check the URL and that ${source.ref} is a tag or commit of it (git ls-remote ${source.url})`,
      },
    );
  }
}

/** `../libs.git` and `libs` are folders on this machine; URLs and `host:path` are not. */
function isRelativeUrl(url: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !/^[^/\\]+:/.test(url) && !isAbsolute(url);
}

/** A relative git URL is a folder relative to the manifest that names it. */
function localUrl(url: string, base: string): string {
  return isRelativeUrl(url) ? resolve(base, url) : url;
}

/** The real folder: two paths to one library are one library (for cycles and duplicates). */
export function identityOf(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}
