import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { stringify } from "yaml";

export interface UnitDef {
  /** Text of the unit's prompt, written to units/<name>.md. */
  prompt: string;
  owns: string[];
  needs?: string[];
  model?: string;
}

export interface PackageDef {
  name?: string;
  model?: string;
  core?: string;
  /** Written to guide.md; may refer to params as {{name}}. */
  guide?: string;
  params?: Record<string, string>;
  modelParams?: Record<string, number>;
  units: Record<string, UnitDef>;
  /** Hand-written tests, path (relative to out) → content. */
  tests: Record<string, string>;
  /** Validation command; default `node --test`. */
  command?: string;
  /** Any other file of the package folder, path → content. */
  files?: Record<string, string>;
  /** More top-level manifest fields (`handwritten`, a whole `validation`, ...); they replace the defaults. */
  manifest?: Record<string, unknown>;
}

/** A package written to disk: `dir` is the package folder inside its own temporary `root`. */
export interface MadePackage {
  root: string;
  dir: string;
}

const roots: string[] = [];

/** A fresh temporary folder, removed by `removeTempRoots`. */
export async function createTempRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "specprompt-e2e-"));
  roots.push(root);
  return root;
}

/** Remove every folder `createTempRoot` made (call in afterAll). */
export async function removeTempRoots(): Promise<void> {
  await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
}

/** The manifest text of a package definition. */
export function manifestText(def: PackageDef): string {
  const manifest = {
    name: def.name ?? "e2e-pkg",
    version: "0.1.0",
    kind: "code",
    core: "core.md",
    ...(def.guide !== undefined && { guide: "guide.md" }),
    model: def.model ?? "openai:gpt-test",
    ...(def.modelParams && { modelParams: def.modelParams }),
    out: ".",
    ...(def.params && { params: def.params }),
    validation: { tests: ["test/**"], command: def.command ?? "node --test" },
    units: Object.fromEntries(
      Object.entries(def.units).map(([name, unit]) => [
        name,
        {
          prompt: `units/${name}.md`,
          owns: unit.owns,
          ...(unit.needs && { needs: unit.needs }),
          ...(unit.model && { model: unit.model }),
        },
      ]),
    ),
    ...def.manifest,
  };
  return stringify(manifest);
}

/** Write a package (manifest, core, guide, unit prompts, tests, package.json) into a new temp folder. */
export async function makePackage(def: PackageDef): Promise<MadePackage> {
  const root = await createTempRoot();
  const dir = join(root, "pkg");
  const files: Record<string, string> = {
    "specprompt.yaml": manifestText(def),
    "core.md": def.core ?? "# e2e\n\nA tiny library built in steps.\n",
    "package.json": `${JSON.stringify({ name: "e2e-pkg", private: true, type: "module" }, null, 2)}\n`,
    ...(def.guide !== undefined && { "guide.md": def.guide }),
    ...Object.fromEntries(Object.entries(def.units).map(([name, unit]) => [`units/${name}.md`, unit.prompt])),
    ...def.tests,
    ...def.files,
  };
  for (const [path, content] of Object.entries(files)) await writeText(join(dir, path), content);
  return { root, dir };
}

/** Write a file, creating its folder. */
export async function writeText(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
}

/**
 * Every file below `dir` except specprompt's scratch state, path → content: what "the output
 * and the lock are byte-identical" compares.
 */
export function snapshotTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const full = join(folder, name);
      const rel = relative(dir, full);
      if (rel === ".specprompt" || rel === "node_modules") continue;
      const info = lstatSync(full);
      if (info.isSymbolicLink()) files[rel] = `-> symlink`;
      else if (info.isDirectory()) walk(full);
      else files[rel] = readFileSync(full, "utf8");
    }
  };
  if (existsSync(dir)) walk(dir);
  return files;
}

/** The lock as JSON, loosely typed for assertions. */
export interface LockJson {
  name: string;
  version: string;
  params: Record<string, string>;
  build: { id: string; validation?: { command: string; passed: boolean; exitCode: number | null } };
  units: Record<
    string,
    {
      inputHash: string;
      outputs: Record<string, string>;
      buildId: string;
      requests: string[];
      validation?: { passed: boolean };
    }
  >;
}

/** The package's specprompt.lock, parsed. */
export function readLockJson(dir: string): LockJson {
  return JSON.parse(readFileSync(join(dir, "specprompt.lock"), "utf8")) as LockJson;
}
