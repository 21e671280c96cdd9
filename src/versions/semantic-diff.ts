import { existsSync, statSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { diffLines } from "diff";
import { computeUnitInputs, describeInputChanges } from "../build/unit-inputs.js";
import { SpecPromptError, UsageError } from "../errors.js";
import { findManifest, MANIFEST_FILE } from "../package/find-manifest.js";
import { type LoadPackageOptions, loadPackage } from "../package/load-package.js";
import type { Layer, LayerKind, LoadedPackage, LoadedUnit } from "../package/types.js";
import { stableStringify } from "../util/stable-json.js";
import { parseVersionSpec, resolveVersion } from "./checkout-version.js";
import { filesAt, git, gitText, requireRepo, showFile } from "./git.js";
import { markdownSections } from "./markdown-sections.js";
import { parseSemVer } from "./semver.js";
import { MANIFEST, readRawManifest, sourceFiles } from "./source-files.js";

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

export type ChangeStatus = "added" | "removed" | "changed";

/** A `##`/`###` section and how many lines of its body were added and removed. */
export interface SectionChange {
  title: string;
  added: number;
  removed: number;
}

export interface LayerChange {
  kind: LayerKind;
  /** Relative to the package folder (tests and hand-written files: relative to `out`). */
  path: string;
  /** The unit whose prompt this is (kind "unit"). */
  unit?: string;
  status: ChangeStatus;
  /** Lines added and removed in the rendered text (params substituted). */
  lines: { added: number; removed: number };
  /** Markdown layers only. */
  sections?: { added: SectionChange[]; removed: SectionChange[]; changed: SectionChange[] };
}

export interface ValueChange {
  name: string;
  status: ChangeStatus;
  from?: string;
  to?: string;
}

export interface SemanticDiffReport {
  a: DiffSideInfo;
  b: DiffSideInfo;
  /** The target compared, for packages with targets. */
  target?: string;
  layers: LayerChange[];
  params: ValueChange[];
  model: {
    /** The manifest's `model:` (null when it has none). */
    from: string | null;
    to: string | null;
    /** The manifest's `modelParams`, as JSON text. */
    modelParams: ValueChange[];
    /** Units on both sides whose effective model differs. */
    units: Array<{ unit: string; from: string; to: string }>;
  };
  units: {
    added: string[];
    removed: string[];
    /** Units of both sides whose inputs differ, in build order, and why (new units are under `added`). */
    regenerate: Array<{ unit: string; reasons: string[] }>;
  };
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

export interface SemanticDiffOptions {
  a: SideSpec;
  b: SideSpec;
  cwd: string;
  set?: Record<string, string>;
  model?: string;
  env?: Record<string, string | undefined>;
  /** For packages with targets: the target to compare (default: each side's first). */
  target?: string;
}

/**
 * Compare two versions of a package: layers (and Markdown sections), params, model, units, and
 * which units would regenerate going from `a` to `b`. Versions and git refs are of the package
 * named by the other side when it is a folder, else of the package in `cwd`; each is written to a
 * temporary folder (its source files only) and loaded like the working tree.
 */
export async function semanticDiff(options: SemanticDiffOptions): Promise<SemanticDiffReport> {
  const folder = [options.a, options.b].find((side) => side.kind === "folder");
  const baseDir = folder?.kind === "folder" ? folder.dir : undefined;
  const temp = await mkdtemp(join(tmpdir(), "specprompt-diff-"));
  try {
    const [a, b] = [
      await materialise(options.a, baseDir, temp, "a", options),
      await materialise(options.b, baseDir, temp, "b", options),
    ];
    const target = b.pkg.target ?? a.pkg.target;
    return {
      a: a.info,
      b: b.info,
      ...(target !== undefined && { target }),
      ...comparePackages(a.pkg, b.pkg),
    };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

async function materialise(
  side: SideSpec,
  baseDir: string | undefined,
  temp: string,
  label: string,
  options: SemanticDiffOptions,
): Promise<{ pkg: LoadedPackage; info: DiffSideInfo }> {
  if (side.kind === "folder") {
    const pkg = await load(side.dir, options);
    return { pkg, info: { spec: side.spec, name: pkg.manifest.name, version: pkg.manifest.version } };
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

  const manifestBytes = await showFile(repo, commit, MANIFEST);
  if (manifestBytes === undefined)
    throw new UsageError(
      `${side.spec} has no ${repo.prefix === "" ? "" : `${repo.prefix}/`}${MANIFEST}`,
      "name a commit or version where the package exists",
    );
  const dir = join(temp, label);
  const manifest = readRawManifest(manifestBytes.toString("utf8")) ?? {};
  for (const path of sourceFiles(manifest, await filesAt(repo, commit))) {
    const bytes = await showFile(repo, commit, path);
    if (bytes === undefined) continue;
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), bytes);
  }
  const pkg = await load(dir, options);
  return {
    pkg,
    info: { spec: side.spec, name: pkg.manifest.name, version: pkg.manifest.version, commit },
  };
}

/** A model id that only fills in for a package without one: diffing never calls a model. */
const PLACEHOLDER_MODEL = "cmd:specprompt-diff-placeholder";

/** loadPackage as the other commands call it; a package without a model gets a placeholder. */
async function load(dir: string, options: SemanticDiffOptions): Promise<LoadedPackage> {
  const loadOptions: LoadPackageOptions = {
    cwd: options.cwd,
    set: options.set,
    model: options.model,
    env: options.env,
    target: await pickTarget(dir, options.target),
    // A version extracted from git has no libraries beside it: both sides are compared without imports.
    imports: "ignore",
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
async function pickTarget(dir: string, wanted: string | undefined): Promise<string | undefined> {
  const manifest = readRawManifest(await readFile(join(dir, MANIFEST), "utf8").catch(() => ""));
  const targets = manifest?.targets;
  if (!targets || typeof targets !== "object") return undefined;
  const names = Object.keys(targets);
  return wanted !== undefined && names.includes(wanted) ? wanted : names[0];
}

const KIND_ORDER: LayerKind[] = ["core", "guide", "criteria", "context", "unit", "test", "handwritten"];

interface LayerEntry {
  layer: Layer;
  unit?: string;
}

function layersOf(pkg: LoadedPackage): Map<string, LayerEntry> {
  const entries = new Map<string, LayerEntry>();
  const add = (layer: Layer | undefined, unit?: string) => {
    if (layer) entries.set(`${layer.kind}\0${layer.path}`, { layer, ...(unit !== undefined && { unit }) });
  };
  add(pkg.core);
  add(pkg.guide);
  add(pkg.criteria);
  for (const layer of pkg.context) add(layer);
  for (const unit of pkg.units) add(unit.prompt, unit.name);
  for (const layer of pkg.tests) add(layer);
  for (const layer of pkg.handwritten) add(layer);
  return entries;
}

/** Lines added and removed going from `before` to `after`. */
export function countLines(before: string, after: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const part of diffLines(before, after)) {
    if (part.added) added += part.count ?? 0;
    else if (part.removed) removed += part.count ?? 0;
  }
  return { added, removed };
}

/** The `##`/`###` sections added, removed and changed, each with the lines of its body that changed. */
export function compareSections(before: string, after: string): NonNullable<LayerChange["sections"]> {
  const old = markdownSections(before);
  const now = markdownSections(after);
  const lines = (text: string) => (text === "" ? 0 : text.split("\n").length);
  return {
    added: [...now]
      .filter(([title]) => !old.has(title))
      .map(([title, body]) => ({ title, added: lines(body), removed: 0 })),
    removed: [...old]
      .filter(([title]) => !now.has(title))
      .map(([title, body]) => ({ title, added: 0, removed: lines(body) })),
    changed: [...now]
      .filter(([title, body]) => old.has(title) && old.get(title) !== body)
      .map(([title, body]) => ({ title, ...countLines(`${old.get(title)!}\n`, `${body}\n`) })),
  };
}

const isMarkdown = (path: string) => /\.(md|markdown)$/i.test(path);

function compareLayers(a: LoadedPackage, b: LoadedPackage): LayerChange[] {
  const before = layersOf(a);
  const after = layersOf(b);
  const changes: LayerChange[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const old = before.get(key);
    const now = after.get(key);
    if (old && now && old.layer.hash === now.layer.hash) continue;
    const entry = (now ?? old)!;
    const status: ChangeStatus = !old ? "added" : !now ? "removed" : "changed";
    const oldText = old?.layer.content ?? "";
    const newText = now?.layer.content ?? "";
    changes.push({
      kind: entry.layer.kind,
      path: entry.layer.path,
      ...(entry.unit !== undefined && { unit: entry.unit }),
      status,
      lines: countLines(oldText, newText),
      ...(isMarkdown(entry.layer.path) && { sections: compareSections(oldText, newText) }),
    });
  }
  const rank = (change: LayerChange) => KIND_ORDER.indexOf(change.kind);
  return changes.sort((x, y) => rank(x) - rank(y) || (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

function compareValues(before: Record<string, string>, after: Record<string, string>): ValueChange[] {
  const changes: ValueChange[] = [];
  for (const name of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const from = before[name];
    const to = after[name];
    if (from === to) continue;
    if (from === undefined) changes.push({ name, status: "added", to });
    else if (to === undefined) changes.push({ name, status: "removed", from });
    else changes.push({ name, status: "changed", from, to });
  }
  return changes;
}

const jsonValues = (params: Record<string, unknown> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(params ?? {}).map(([key, value]) => [key, stableStringify(value)]));

/** Every need of a unit in the same placeholder state: `describeInputChanges` then names only added and removed needs. */
const sameNeeds = (unit: LoadedUnit) => Object.fromEntries(unit.needs.map((name) => [name, "unchanged"]));

/** Everything but the sides: what differs between two loaded packages. Pure. */
export function comparePackages(a: LoadedPackage, b: LoadedPackage): Omit<SemanticDiffReport, "a" | "b"> {
  const oldUnits = new Map(a.units.map((unit) => [unit.name, unit]));
  const newNames = new Set(b.units.map((unit) => unit.name));
  const regenerate: SemanticDiffReport["units"]["regenerate"] = [];
  const regenerating = new Set<string>();
  // b.units is in dependency order: a unit's needs are decided before it.
  for (const unit of b.units) {
    const old = oldUnits.get(unit.name);
    if (!old) continue;
    const reasons = describeInputChanges(
      computeUnitInputs(a, old, sameNeeds(old)).inputs,
      computeUnitInputs(b, unit, sameNeeds(unit)).inputs,
    );
    for (const need of unit.needs)
      if (regenerating.has(need)) reasons.push(`needs ${need}, which regenerates`);
    if (reasons.length === 0) continue;
    regenerating.add(unit.name);
    regenerate.push({ unit: unit.name, reasons });
  }
  return {
    layers: compareLayers(a, b),
    params: compareValues(a.params, b.params),
    model: {
      from: a.manifest.model ?? null,
      to: b.manifest.model ?? null,
      modelParams: compareValues(jsonValues(a.manifest.modelParams), jsonValues(b.manifest.modelParams)),
      units: b.units
        .filter((unit) => oldUnits.has(unit.name) && oldUnits.get(unit.name)!.model !== unit.model)
        .map((unit) => ({ unit: unit.name, from: oldUnits.get(unit.name)!.model, to: unit.model })),
    },
    units: {
      added: b.units.map((unit) => unit.name).filter((name) => !oldUnits.has(name)),
      removed: a.units.map((unit) => unit.name).filter((name) => !newNames.has(name)),
      regenerate,
    },
  };
}
