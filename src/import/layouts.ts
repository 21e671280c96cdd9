import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { glob } from "tinyglobby";
import { SpecPromptError, UsageError } from "../errors.js";
import { suggestName } from "../util/closest-name.js";

export type LayoutId = "speckit" | "openspec" | "kiro";

/** What `import` knows of a layout: where its features live and the file that makes a folder one. */
interface LayoutDef {
  id: LayoutId;
  label: string;
  /** What a feature is called in this layout, for messages. */
  featureWord: string;
  /** Folder of features, relative to the root (the folder the manifest goes to). */
  featuresDir: string;
  /** The file that makes a subfolder of `featuresDir` a feature; it becomes the core prompt. */
  coreFile: string;
  /** Folders whose presence marks the layout even before it has a feature. */
  markers: string[];
}

export const LAYOUTS: readonly LayoutDef[] = [
  {
    id: "speckit",
    label: "Spec Kit",
    featureWord: "feature",
    featuresDir: "specs",
    coreFile: "spec.md",
    markers: [".specify"],
  },
  {
    id: "openspec",
    label: "OpenSpec",
    featureWord: "capability",
    featuresDir: "openspec/specs",
    coreFile: "spec.md",
    markers: ["openspec"],
  },
  {
    id: "kiro",
    label: "Kiro",
    featureWord: "spec",
    featuresDir: ".kiro/specs",
    coreFile: "requirements.md",
    markers: [".kiro"],
  },
];

/** One line per layout saying what was looked for: the message of an unknown layout. */
export function describeLayouts(): string {
  return LAYOUTS.map((def) => `${def.label}: ${def.featuresDir}/<${def.featureWord}>/${def.coreFile}`).join(
    "; ",
  );
}

export interface DetectedSource {
  layout: LayoutDef;
  /** Absolute folder the manifest goes to; every mapped path is inside it. */
  root: string;
  /** The chosen feature (Spec Kit feature, OpenSpec capability, Kiro spec). */
  feature: string;
  /** Every feature the layout has, sorted. */
  features: string[];
}

/** The features of a layout at `root`: subfolders of its features folder that hold its core file. */
export function listFeatures(root: string, def: LayoutDef): string[] {
  const dir = join(root, def.featuresDir);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.filter((entry) => isFile(join(dir, entry, def.coreFile))).sort();
}

/**
 * Finds the layout at `dir`: its root holds `specs/` (Spec Kit), `openspec/` or `.kiro/`. `dir` may
 * also be one feature folder (`specs/001-x`, `openspec/specs/auth`, `.kiro/specs/x`): the root is
 * then the folder above its features folder and the feature is the folder's name.
 */
export function detectSource(options: { dir: string; layout?: string; feature?: string }): DetectedSource {
  const dir = resolve(options.dir);
  if (!isDirectory(dir)) throw new UsageError(`import: ${options.dir} is not a folder`);
  const wanted = options.layout === undefined ? undefined : parseLayoutId(options.layout);
  const candidates = LAYOUTS.filter((def) => wanted === undefined || def.id === wanted);

  // A feature folder given directly; the deepest features folder first (openspec/specs/x is not Spec Kit's specs/x).
  const deepestFirst = [...candidates].sort((a, b) => b.featuresDir.length - a.featuresDir.length);
  for (const def of deepestFirst) {
    const root = resolve(dir, ...def.featuresDir.split("/").map(() => ".."), "..");
    if (join(root, def.featuresDir, basename(dir)) !== dir || !isFile(join(dir, def.coreFile))) continue;
    const features = listFeatures(root, def);
    const feature = options.feature ?? basename(dir);
    return { layout: def, root, feature: pickFeature(def, features, feature), features };
  }

  const found = candidates.filter((def) => listFeatures(dir, def).length > 0);
  if (found.length === 0) {
    const marked = candidates.find((def) => def.markers.some((marker) => isDirectory(join(dir, marker))));
    if (marked) {
      throw new SpecPromptError(
        "E_INIT",
        `${options.dir} is a ${marked.label} project without any ${marked.featureWord} yet: no ${marked.featuresDir}/<${marked.featureWord}>/${marked.coreFile}`,
        { hint: `write a ${marked.featureWord}'s ${marked.coreFile} first, then import again` },
      );
    }
    throw new SpecPromptError("E_INIT", `no Spec Kit, OpenSpec or Kiro specs found in ${options.dir}`, {
      hint: `looked for ${wanted ? describeLayoutsOf(candidates) : describeLayouts()}; pass the folder that holds them`,
    });
  }
  if (found.length > 1) {
    throw new UsageError(
      `import: ${options.dir} holds ${found.map((def) => def.label).join(" and ")} specs`,
      `choose one with --layout ${found.map((def) => def.id).join("|")}`,
    );
  }
  const def = found[0]!;
  const features = listFeatures(dir, def);
  if (options.feature === undefined && features.length > 1) {
    throw new UsageError(
      `import: ${options.dir} has ${features.length} ${def.label} ${def.featureWord === "capability" ? "capabilities" : `${def.featureWord}s`}: ${features.join(", ")}`,
      `choose the one to build with --feature <name>, e.g. --feature ${features.at(-1)}`,
    );
  }
  return {
    layout: def,
    root: dir,
    feature: pickFeature(def, features, options.feature ?? features[0]!),
    features,
  };
}

function describeLayoutsOf(defs: readonly LayoutDef[]): string {
  return defs
    .map((def) => `${def.label}: ${def.featuresDir}/<${def.featureWord}>/${def.coreFile}`)
    .join("; ");
}

function parseLayoutId(value: string): LayoutId {
  const def = LAYOUTS.find((candidate) => candidate.id === value);
  if (!def) {
    throw new UsageError(
      `import: unknown --layout '${value}'${suggestName(
        value,
        LAYOUTS.map((candidate) => candidate.id),
      )}`,
      `use one of ${LAYOUTS.map((candidate) => candidate.id).join(", ")}`,
    );
  }
  return def.id;
}

function pickFeature(def: LayoutDef, features: string[], feature: string): string {
  if (features.includes(feature)) return feature;
  throw new UsageError(
    `import: no ${def.label} ${def.featureWord} '${feature}'${suggestName(feature, features)}`,
    `${def.featuresDir}/ has ${features.join(", ") || "none"}`,
  );
}

/** One layer of the manifest and the files its paths match today. */
export interface MappedLayer {
  layer: "core" | "guide" | "context";
  /** What the manifest says: a path, or context globs. */
  paths: string[];
  /** The files those paths name now, relative to the root. */
  files: string[];
}

/** What a layout's files become: the layers, and the notes that explain what was left out and why. */
export interface LayerMapping {
  core: string;
  guide?: string;
  context: string[];
  mapped: MappedLayer[];
  notes: string[];
}

/**
 * Maps a feature's files onto our layers, as paths relative to the root. Only files that exist are
 * named, and a context glob only when it matches a file that is not the core or guide, so the loader
 * never warns about the manifest import wrote.
 */
export async function mapLayers(source: DetectedSource): Promise<LayerMapping> {
  const { root, feature } = source;
  const has = (path: string) => isFile(join(root, path));
  const firstOf = (...paths: string[]) => paths.find(has);
  const featureDir = `${source.layout.featuresDir}/${feature}`;
  const core = `${featureDir}/${source.layout.coreFile}`;
  let guide: string | undefined;
  let contextCandidates: string[];
  const notes: string[] = [];
  switch (source.layout.id) {
    case "speckit":
      guide = firstOf(`${featureDir}/plan.md`);
      contextCandidates = [
        // `specify init` puts the constitution in .specify/memory/; older projects in memory/.
        firstOf(".specify/memory/constitution.md", "memory/constitution.md"),
        `${escapeGlob(featureDir)}/*.md`,
        `${escapeGlob(featureDir)}/contracts/**`,
      ].filter((path) => path !== undefined);
      if (isDirectory(join(root, featureDir, "checklists")))
        notes.push(
          `${featureDir}/checklists/ left out: Spec Kit checklists check the spec's quality, not the built code`,
        );
      notes.push(
        `validation.criteria not set: the acceptance scenarios are inside ${core}, which is the core prompt`,
      );
      break;
    case "openspec":
      guide = firstOf("openspec/project.md", `${featureDir}/design.md`);
      // Other capabilities are the rest of the system as it is today: context for this one.
      contextCandidates = ["openspec/specs/**/*.md"];
      if (isDirectory(join(root, "openspec/changes")))
        notes.push(
          "openspec/changes/ left out: proposed changes are not the current truth until archived into specs/",
        );
      if (has("openspec/AGENTS.md"))
        notes.push(
          "openspec/AGENTS.md left out: it tells assistants how to run the OpenSpec workflow, not what to build",
        );
      notes.push(`validation.criteria not set: the scenarios are inside ${core}, which is the core prompt`);
      break;
    case "kiro":
      guide = firstOf(`${featureDir}/design.md`, ".kiro/steering/tech.md");
      contextCandidates = [".kiro/steering/**/*.md", `${escapeGlob(featureDir)}/*.md`];
      notes.push(
        `validation.criteria not set: the acceptance criteria are inside ${core}, which is the core prompt`,
      );
      break;
  }
  const taken = new Set([core, ...(guide ? [guide] : [])]);
  const context: string[] = [];
  const contextFiles = new Set<string>();
  for (const pattern of contextCandidates) {
    const files = (await expand(root, pattern)).filter((file) => !taken.has(file));
    if (files.length === 0) continue;
    context.push(pattern);
    for (const file of files) contextFiles.add(file);
  }
  const tasks = `${featureDir}/tasks.md`;
  notes.unshift(
    has(tasks)
      ? `no units: one unit owns out; ${tasks} is context. Tasks name no output paths a unit could own reliably, and a unit needs its own prompt file, which import does not write`
      : "no units: one unit owns out",
  );
  const mapped: MappedLayer[] = [{ layer: "core", paths: [core], files: [core] }];
  if (guide) mapped.push({ layer: "guide", paths: [guide], files: [guide] });
  if (context.length > 0) mapped.push({ layer: "context", paths: context, files: [...contextFiles].sort() });
  return { core, ...(guide ? { guide } : {}), context, mapped, notes };
}

/** Files a context glob matches, as the loader expands it (same ignores). */
async function expand(root: string, pattern: string): Promise<string[]> {
  return (
    await glob(pattern, {
      cwd: root,
      ignore: ["**/node_modules/**", "**/.git/**", "**/.specprompt/**"],
      onlyFiles: true,
    })
  ).sort();
}

/** A folder name used literally inside a glob. */
export function escapeGlob(path: string): string {
  return path.replace(/[*?[\]{}()!+@\\]/g, "\\$&");
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}
