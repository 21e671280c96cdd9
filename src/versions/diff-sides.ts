import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { SpecPromptError, UsageError } from "../errors.js";
import { toPosixPath } from "../package/contained-path.js";
import { findManifest, MANIFEST_FILE } from "../package/find-manifest.js";
import { type LoadPackageOptions, loadPackage } from "../package/load-package.js";
import type { LoadedPackage } from "../package/types.js";
import { suggestName } from "../util/closest-name.js";
import { parseVersionSpec, resolveVersion } from "./checkout-version.js";
import { git, gitText, requireRepo } from "./git.js";
import { materialiseVersion } from "./materialise-version.js";
import { parseSemVer } from "./semver.js";
import { MANIFEST, readRawManifest } from "./source-files.js";

/** One side of a semantic diff, as named on the command line. */
export type SideSpec =
  | { kind: "folder"; spec: string; dir: string }
  | { kind: "version"; spec: string; name: string; version: string }
  | { kind: "ref"; spec: string; ref: string };

/** A side of the report: what was compared. `commit` is set for a version or a git ref. */
export interface DiffSideInfo {
  spec: string;
  name: string;
  version: string;
  commit?: string;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** A folder (or manifest) that holds a package. */
function packageFolder(path: string): string | undefined {
  if (isFile(join(path, MANIFEST_FILE))) return path;
  if (basename(path) === MANIFEST_FILE && isFile(path)) return dirname(path);
  return undefined;
}

async function isCommit(ref: string, cwd: string): Promise<boolean> {
  if (ref.startsWith("-")) return false;
  try {
    return (await git(["rev-parse", "--verify", "-q", `${ref}^{commit}`], cwd)).code === 0;
  } catch {
    return false; // git not installed
  }
}

/**
 * The two sides of `diff <a> <b>`, or undefined when the arguments keep the hand-edit meaning
 * (`diff [dir] [paths...]`). There are two sides only when there are exactly two arguments and
 * each is a folder holding specprompt.yaml, a `name@x.y.z` version spec, or a git commit-ish.
 * An argument naming an existing file or folder without a manifest is always a path to narrow
 * the hand-edit diff, so the hand-edit meaning wins whenever it applies.
 */
export async function detectSides(cwd: string, args: string[]): Promise<[SideSpec, SideSpec] | undefined> {
  if (args.length !== 2) return undefined;
  const sides: SideSpec[] = [];
  for (const arg of args) {
    const target = resolve(cwd, arg);
    if (existsSync(target)) {
      const dir = packageFolder(target);
      if (dir === undefined) return undefined;
      sides.push({ kind: "folder", spec: arg, dir });
      continue;
    }
    const at = arg.lastIndexOf("@");
    if (at > 0 && parseSemVer(arg.slice(at + 1))) {
      const { name, version } = parseVersionSpec(arg);
      sides.push({ kind: "version", spec: arg, name, version });
    } else if (await isCommit(arg, cwd)) sides.push({ kind: "ref", spec: arg, ref: arg });
    else return undefined;
  }
  return [sides[0]!, sides[1]!];
}

/**
 * How a side is loaded: as `plan` loads a package, with the same flags. `target`, for packages with
 * targets, is the one to compare (default: the side's first).
 */
export type LoadSideOptions = Pick<LoadPackageOptions, "cwd" | "set" | "model" | "env" | "target">;

/** A side loaded: the package, what the report says of it, and the imports it is compared without. */
export interface LoadedSide {
  pkg: LoadedPackage;
  info: DiffSideInfo;
  warnings: string[];
}

/**
 * Loads one side. A folder is loaded as it is; a version or git ref of the package in `baseDir`
 * (else `cwd`) is first written out of git into `temp/<label>` (see materialiseVersion).
 */
export async function loadSide(
  side: SideSpec,
  baseDir: string | undefined,
  temp: string,
  label: string,
  options: LoadSideOptions,
): Promise<LoadedSide> {
  if (side.kind === "folder") {
    const pkg = await load(side.dir, options);
    return {
      pkg,
      info: { spec: side.spec, name: pkg.manifest.name, version: pkg.manifest.version },
      warnings: [],
    };
  }
  const base = dirname(await findManifest(baseDir ?? ".", options.cwd));
  const repo = await requireRepo(base, "diff");
  let commit: string;
  if (side.kind === "version") {
    const current = readRawManifest(await readFile(join(base, MANIFEST), "utf8"));
    if (typeof current?.name === "string" && current.name !== side.name)
      throw new UsageError(
        `this package is ${current.name}, not ${side.name}`,
        `specprompt diff ${current.name}@${side.version} ...`,
      );
    commit = (await resolveVersion(repo, side.name, side.version)).commit;
  } else commit = (await gitText(["rev-parse", "--verify", `${side.ref}^{commit}`], repo.root)).trim();

  const mirror = join(temp, label);
  const { dir, warnings } = await materialiseVersion(repo, commit, mirror, side.spec);
  const pkg = await load(dir, options).catch((error: unknown) => {
    throw inVersion(error, side.spec, mirror, options.cwd);
  });
  return {
    pkg,
    info: { spec: side.spec, name: pkg.manifest.name, version: pkg.manifest.version, commit },
    warnings,
  };
}

/**
 * An error about a file of a side written out of git, pointing at the file as git names it
 * (`HEAD~1:pkg/specprompt.yaml:7:5`) rather than at the temporary copy, which is gone by then.
 */
function inVersion(error: unknown, spec: string, mirror: string, cwd: string): unknown {
  if (!(error instanceof SpecPromptError) || error.location === undefined) return error;
  const path = relative(mirror, resolve(cwd, error.location.file));
  if (path.startsWith("..") || isAbsolute(path)) return error;
  return new SpecPromptError(error.code, error.message, {
    cause: error.cause,
    hint: error.hint,
    exitCode: error.exitCode,
    location: { ...error.location, file: `${spec}:${toPosixPath(path)}` },
  });
}

/** A model id that only fills in for a package without one: diffing never calls a model. */
const PLACEHOLDER_MODEL = "cmd:specprompt-diff-placeholder";

/**
 * loadPackage as `plan` calls it (imports from their folders and vendored copies, never fetched);
 * a package without a model gets a placeholder.
 */
async function load(dir: string, options: LoadSideOptions): Promise<LoadedPackage> {
  const manifest = readRawManifest(await readFile(join(dir, MANIFEST), "utf8").catch(() => ""));
  const loadOptions: LoadPackageOptions = {
    cwd: options.cwd,
    set: options.set,
    model: options.model,
    env: options.env,
    target: pickTarget(manifest, options.target),
    // A library is loadable only with its imports ignored: its own layers are what is compared.
    imports: manifest?.kind === "library" ? "ignore" : "vendored",
  };
  try {
    return (await loadPackage(dir, loadOptions)).pkg;
  } catch (error) {
    if (!(error instanceof SpecPromptError) || !/^no model for /.test(error.message)) throw error;
    const env = { ...(options.env ?? process.env), SPECPROMPT_MODEL: PLACEHOLDER_MODEL };
    return (await loadPackage(dir, { ...loadOptions, env })).pkg;
  }
}

/**
 * The target a side is compared as: the one asked for when the side has it, else its first target;
 * none for a side without targets (a version from before targets were added compares as a whole).
 */
function pickTarget(
  manifest: Record<string, unknown> | undefined,
  wanted: string | undefined,
): string | undefined {
  const targets = manifest?.targets;
  if (!targets || typeof targets !== "object") return undefined;
  const names = Object.keys(targets);
  if (wanted === undefined) return names[0];
  if (names.includes(wanted)) return wanted;
  throw new UsageError(
    `--target ${wanted}: package ${String(manifest?.name)} has no target '${wanted}'${suggestName(wanted, names)}`,
    `its targets are: ${names.join(", ")}`,
  );
}
