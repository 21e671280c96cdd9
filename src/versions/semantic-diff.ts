import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { diffLines } from "diff";
import { computeUnitInputs, describeInputChanges } from "../build/unit-inputs.js";
import { detailImportChanges } from "../package/imports/describe-import-changes.js";
import { lockImports } from "../package/imports/imported-files.js";
import type { ResolvedImport } from "../package/imports/types.js";
import type { Layer, LayerKind, LoadedPackage, LoadedUnit } from "../package/types.js";
import { stableStringify } from "../util/stable-json.js";
import { type DiffSideInfo, type LoadSideOptions, loadSide, type SideSpec } from "./diff-sides.js";
import { markdownSections } from "./markdown-sections.js";

export type ChangeStatus = "added" | "removed" | "changed";

/** A `##`/`###` section and how many lines of its body were added and removed. */
export interface SectionChange {
  title: string;
  added: number;
  removed: number;
}

export interface LayerChange {
  kind: LayerKind;
  /**
   * Relative to the package folder (tests and hand-written files: relative to `out`); an imported
   * layer reads `@alias/path`, relative to its library.
   */
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
  /** Libraries (by alias, nested ones as `a/b`) whose name, version or origin differs; content changes are under `layers`. */
  imports: ValueChange[];
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
  /** Imports a side from git is compared without, because they cannot be found at its commit. */
  warnings: string[];
}

export interface SemanticDiffOptions extends LoadSideOptions {
  a: SideSpec;
  b: SideSpec;
}

/**
 * Compare two versions of a package: layers (and Markdown sections), params, model, units, and
 * which units would regenerate going from `a` to `b`. Versions and git refs are of the package
 * named by the other side when it is a folder, else of the package in `cwd`; each is written to a
 * temporary folder (its source files, vendored git imports and path-imported libraries at that
 * commit) and loaded like the working tree. Imported layers compare like the package's own.
 */
export async function semanticDiff(options: SemanticDiffOptions): Promise<SemanticDiffReport> {
  const folder = [options.a, options.b].find((side) => side.kind === "folder");
  const baseDir = folder?.kind === "folder" ? folder.dir : undefined;
  const temp = await mkdtemp(join(tmpdir(), "specprompt-diff-"));
  try {
    const [a, b] = [
      await loadSide(options.a, baseDir, temp, "a", options),
      await loadSide(options.b, baseDir, temp, "b", options),
    ];
    const target = b.pkg.target ?? a.pkg.target;
    return {
      a: a.info,
      b: b.info,
      ...(target !== undefined && { target }),
      ...comparePackages(a.pkg, b.pkg),
      warnings: [...a.warnings, ...b.warnings],
    };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
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
  const imported = pkg.imports;
  if (imported)
    for (const layer of [...imported.guide, ...imported.criteria, ...imported.context]) add(layer);
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
  // Within a kind, the package's own layers before imported ones (`@alias/...`), as in the prompt.
  const rank = (change: LayerChange) =>
    KIND_ORDER.indexOf(change.kind) * 2 + (change.path.startsWith("@") ? 1 : 0);
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

/** `ts-style@1.0.0 from ../libs/ts-style`, `ts-style@1.1.0 from <url> (libs/ts-style) at v2 (<commit>)` */
function describeOrigin(imported: ResolvedImport): string {
  const path = imported.path === undefined ? "" : ` (${imported.path})`;
  const ref = imported.ref === undefined ? "" : ` at ${imported.ref}`;
  const commit = imported.commit === undefined ? "" : ` (${imported.commit.slice(0, 12)})`;
  return `${imported.name}@${imported.version} from ${imported.source}${path}${ref}${commit}`;
}

const importOrigins = (pkg: LoadedPackage): Record<string, string> =>
  Object.fromEntries((pkg.imports?.all ?? []).map((imported) => [imported.alias, describeOrigin(imported)]));

/** Everything but the sides and warnings: what differs between two loaded packages. Pure. */
export function comparePackages(
  a: LoadedPackage,
  b: LoadedPackage,
): Omit<SemanticDiffReport, "a" | "b" | "warnings"> {
  const oldUnits = new Map(a.units.map((unit) => [unit.name, unit]));
  const newNames = new Set(b.units.map((unit) => unit.name));
  const regenerate: SemanticDiffReport["units"]["regenerate"] = [];
  const regenerating = new Set<string>();
  // b.units is in dependency order: a unit's needs are decided before it.
  for (const unit of b.units) {
    const old = oldUnits.get(unit.name);
    if (!old) continue;
    // Worded as `plan` words them against a lock that pinned side a's imports.
    const reasons = detailImportChanges(
      describeInputChanges(
        computeUnitInputs(a, old, sameNeeds(old)).inputs,
        computeUnitInputs(b, unit, sameNeeds(unit)).inputs,
      ),
      a.imports && lockImports(a.imports),
      b.imports,
    );
    for (const need of unit.needs)
      if (regenerating.has(need)) reasons.push(`needs ${need}, which regenerates`);
    if (reasons.length === 0) continue;
    regenerating.add(unit.name);
    regenerate.push({ unit: unit.name, reasons });
  }
  return {
    layers: compareLayers(a, b),
    imports: compareValues(importOrigins(a), importOrigins(b)),
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
