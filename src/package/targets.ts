import { dirname, resolve, sep } from "node:path";
import { UsageError } from "../errors.js";
import { suggestName } from "../util/closest-name.js";
import { normalizeRelativePath } from "./contained-path.js";
import type { ManifestFinding } from "./describe-schema-issues.js";
import { findManifest } from "./find-manifest.js";
import { readManifestCached } from "./manifest-cache.js";
import type { Manifest } from "./manifest-schema.js";
import { displayPath } from "./read-layers.js";

/**
 * Targets build one core to several stacks (`targets: { ts: { guide, out }, py: { guide, out } }`).
 * A package with targets is loaded once per target, as if the target's fields were written at the
 * top of the manifest: its own guide, out, params, model, validation and unit owns. Everything
 * else (core, context, criteria, unit prompts) is shared, so a change there regenerates every
 * target and a change to one target's guide regenerates that target alone.
 */

/** The target names of a manifest, in manifest order; empty without `targets`. */
export function targetNames(manifest: Manifest): string[] {
  return manifest.kind === "code" && manifest.targets ? Object.keys(manifest.targets) : [];
}

/**
 * The targets a command works on: each `--target` (checked to exist), else every target; `[undefined]`
 * for a package without targets (where `--target` is an error).
 */
export function selectTargets(manifest: Manifest, wanted: string[] | undefined): (string | undefined)[] {
  const names = targetNames(manifest);
  if (names.length === 0) {
    if (wanted && wanted.length > 0) {
      throw new UsageError(
        `--target ${wanted[0]}: package ${manifest.name} has no targets`,
        "targets: in specprompt.yaml lists the stacks a package builds to; without it, leave out --target",
      );
    }
    return [undefined];
  }
  if (!wanted || wanted.length === 0) return names;
  for (const name of wanted) {
    if (!names.includes(name)) {
      throw new UsageError(
        `--target ${name}: package ${manifest.name} has no target '${name}'${suggestName(name, names)}`,
        `its targets are: ${names.join(", ")}`,
      );
    }
  }
  return [...new Set(wanted)];
}

/**
 * The targets a command on the package in `dir` works on (see selectTargets). A manifest that
 * cannot be read gives `[undefined]` or the targets asked for, so loading the package reports it.
 */
export async function listTargets(args: {
  dir: string;
  cwd: string;
  targets?: string[];
}): Promise<(string | undefined)[]> {
  let manifest: Manifest;
  try {
    const path = await findManifest(args.dir, args.cwd);
    manifest = (await readManifestCached(path, dirname(path), displayPath(args.cwd, path))).manifest;
  } catch {
    return args.targets && args.targets.length > 0 ? args.targets : [undefined];
  }
  return selectTargets(manifest, args.targets);
}

/**
 * The target whose out tree holds `absolute` (a file of the output), for a package with targets;
 * undefined without targets. A file in no target's tree is a usage error naming the trees.
 */
export async function targetContaining(
  args: { dir: string; cwd: string },
  absolute: string,
): Promise<string | undefined> {
  const path = await findManifest(args.dir, args.cwd);
  const manifest = (await readManifestCached(path, dirname(path), displayPath(args.cwd, path))).manifest;
  const names = targetNames(manifest);
  if (names.length === 0) return undefined;
  const outs = names.map((name) => resolve(dirname(path), manifest.targets![name]!.out));
  const index = outs.findIndex((out) => absolute === out || absolute.startsWith(out + sep));
  if (index >= 0) return names[index];
  throw new UsageError(
    `${displayPath(args.cwd, absolute)} is in no target's output tree`,
    `the targets write to: ${names.map((name, i) => `${name} → ${displayPath(args.cwd, outs[i]!)}`).join(", ")}`,
  );
}

/** The manifest as one target sees it: the target's fields over the package's. */
export function manifestForTarget(manifest: Manifest, target: string | undefined): Manifest {
  if (target === undefined) return manifest;
  const spec = manifest.targets?.[target];
  if (!spec) throw new Error(`internal: no target ${target}`);
  const units =
    manifest.units &&
    Object.fromEntries(
      Object.entries(manifest.units).map(([name, unit]) => {
        const change = spec.units?.[name];
        if (!change) return [name, unit];
        return [
          name,
          {
            ...unit,
            owns: change.owns ?? unit.owns,
            model: change.model ?? unit.model,
            modelParams: change.modelParams
              ? { ...unit.modelParams, ...change.modelParams }
              : unit.modelParams,
          },
        ];
      }),
    );
  return {
    ...manifest,
    guide: spec.guide ?? manifest.guide,
    out: spec.out,
    params: { ...manifest.params, ...spec.params },
    model: spec.model ?? manifest.model,
    modelParams: spec.modelParams ? { ...manifest.modelParams, ...spec.modelParams } : manifest.modelParams,
    validation: spec.validation ? { ...manifest.validation, ...spec.validation } : manifest.validation,
    handwritten: spec.handwritten ?? manifest.handwritten,
    units,
  };
}

/** Cross-field checks of `targets`: kind, units named, output trees apart. */
export function checkTargets(
  manifest: Manifest,
  errors: ManifestFinding[],
  warnings: ManifestFinding[],
): void {
  const targets = manifest.targets;
  if (!targets) return;
  if (manifest.kind !== "code") {
    warnings.push({ message: "targets: only used by kind: code; ignored", path: ["targets"], atKey: true });
    return;
  }
  const names = Object.keys(targets);
  if (names.length === 0) {
    errors.push({
      message: "targets: is empty",
      path: ["targets"],
      atKey: true,
      hint: "remove targets: to build one output tree, or add a target with its guide and out",
    });
    return;
  }
  const unitNames = Object.keys(manifest.units ?? {});
  const outs: { target: string; out: string }[] = [];
  for (const [name, spec] of Object.entries(targets)) {
    for (const unit of Object.keys(spec.units ?? {})) {
      if (unitNames.includes(unit)) continue;
      errors.push({
        message: `target '${name}' changes unknown unit '${unit}'${suggestName(unit, unitNames)}`,
        path: ["targets", name, "units", unit],
        atKey: true,
        hint:
          unitNames.length > 0 ? `units are: ${unitNames.join(", ")}` : "the package has no units: to change",
      });
    }
    const out = normalizeRelativePath(spec.out);
    const clash = outs.find((other) => overlaps(other.out, out));
    if (clash) {
      errors.push({
        message:
          clash.out === out
            ? `targets '${clash.target}' and '${name}' both write to out: ${spec.out}`
            : `the out trees of targets '${clash.target}' (${clash.out}) and '${name}' (${out}) overlap`,
        path: ["targets", name, "out"],
        hint: "give every target its own folder, e.g. out: ts and out: py",
      });
    }
    outs.push({ target: name, out });
  }
}

/** True when one relative folder is the other or lies inside it ("." contains everything). */
function overlaps(a: string, b: string): boolean {
  if (a === "." || b === "." || a === b) return true;
  return a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}
