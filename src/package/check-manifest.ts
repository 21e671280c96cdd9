import picomatch from "picomatch";
import { suggestName } from "../util/closest-name.js";
import { normalizeRelativePath } from "./contained-path.js";
import type { IssuePath, ManifestFinding } from "./describe-schema-issues.js";
import { checkImports } from "./imports/check-imports.js";
import type { Manifest } from "./manifest-schema.js";
import { checkTargets, manifestForTarget } from "./targets.js";
import { findCycle } from "./unit-graph.js";

/** Checks that span fields, on a manifest the schema accepted: unit needs, cycles, ownership, kind. */
export function checkManifest(manifest: Manifest): {
  errors: ManifestFinding[];
  warnings: ManifestFinding[];
} {
  const errors: ManifestFinding[] = [];
  const warnings: ManifestFinding[] = [];
  if (manifest.units) {
    checkNeeds(manifest.units, errors, warnings);
    checkOwnership(manifest.units, errors);
  }
  if (manifest.kind === "code") {
    for (const field of ["template", "evals", "threshold", "grader"] as const) {
      if (manifest[field] !== undefined) {
        warnings.push({
          message: `${field}: only used by kind: prompt; ignored`,
          path: [field],
          atKey: true,
        });
      }
    }
  } else if (manifest.units) {
    warnings.push({ message: "units: only used by kind: code; ignored", path: ["units"], atKey: true });
  }
  checkTargets(manifest, errors, warnings);
  if (errors.length === 0) checkTargetOwnership(manifest, errors);
  checkImports(manifest, errors, warnings);
  if (manifest.validation?.tests !== undefined && manifest.validation.command === undefined) {
    warnings.push({
      message: "validation.tests: no validation.command runs these tests; the model only reads them",
      path: ["validation", "tests"],
      atKey: true,
      hint: "add validation.command, e.g. command: node --test",
    });
  }
  return { errors, warnings };
}

type UnitsSpec = NonNullable<Manifest["units"]>;

/**
 * A target that changes what units own must still give every output path one unit: the same
 * ownership check, on the units as that target sees them, reported at the target's owns.
 */
function checkTargetOwnership(manifest: Manifest, errors: ManifestFinding[]): void {
  for (const [name, target] of Object.entries(manifest.targets ?? {})) {
    if (!target.units || !manifest.units) continue;
    const found: ManifestFinding[] = [];
    checkOwnership(manifestForTarget(manifest, name).units!, found);
    for (const finding of found) {
      const [, unit, ...rest] = finding.path as [string, string, ...IssuePath];
      const changed = target.units[unit]?.owns !== undefined;
      errors.push({
        ...finding,
        message: `target '${name}': ${finding.message}`,
        path: changed ? ["targets", name, "units", unit, "owns", ...rest.slice(1)] : finding.path,
      });
    }
  }
}

function checkNeeds(units: UnitsSpec, errors: ManifestFinding[], warnings: ManifestFinding[]): void {
  const names = Object.keys(units);
  if (names.length === 0) {
    errors.push({
      message: "units: is empty",
      path: ["units"],
      atKey: true,
      hint: "remove units: to let one unit own the whole out tree, or add a unit",
    });
    return;
  }
  const graph: Record<string, { needs: string[] }> = {};
  for (const [name, unit] of Object.entries(units)) {
    const seen = new Set<string>();
    graph[name] = { needs: [] };
    unit.needs?.forEach((need, i) => {
      const path = ["units", name, "needs", i];
      if (need === name) {
        errors.push({ message: `unit '${name}' needs itself`, path, hint: "remove it from its own needs" });
      } else if (!Object.hasOwn(units, need)) {
        const others = names.filter((other) => other !== name);
        errors.push({
          message: `unit '${name}' needs unknown unit '${need}'${suggestName(need, others)}`,
          path,
          hint: `units are: ${summarize(names)}`,
        });
      } else if (seen.has(need)) {
        warnings.push({ message: `unit '${name}' lists '${need}' in needs twice`, path });
      } else {
        graph[name]!.needs.push(need);
      }
      seen.add(need);
    });
  }
  const cycle = findCycle(graph);
  if (cycle) {
    const [first, second] = cycle as [string, string];
    errors.push({
      message: `units form a cycle: ${cycle.join(" → ")}`,
      path: ["units", first, "needs", units[first]!.needs!.indexOf(second)],
      hint: "a unit is generated after the units it needs; remove one of these needs",
    });
  }
}

interface OwnedPath {
  unit: string;
  pattern: string;
  path: IssuePath;
}

function checkOwnership(units: UnitsSpec, errors: ManifestFinding[]): void {
  const literals = new Map<string, OwnedPath>();
  const globs: OwnedPath[] = [];
  const exclusions = new Map<string, string[]>();
  for (const [name, unit] of Object.entries(units)) {
    const owns = typeof unit.owns === "string" ? [unit.owns] : unit.owns;
    owns.forEach((raw, i) => {
      const owned = {
        unit: name,
        pattern: normalizeRelativePath(raw),
        path: typeof unit.owns === "string" ? ["units", name, "owns"] : ["units", name, "owns", i],
      };
      if (owned.pattern.startsWith("!")) {
        const list = exclusions.get(name);
        if (list) list.push(owned.pattern.slice(1));
        else exclusions.set(name, [owned.pattern.slice(1)]);
      } else if (picomatch.scan(owned.pattern).isGlob) {
        globs.push(owned);
      } else {
        const other = literals.get(owned.pattern);
        if (other && other.unit !== name) {
          errors.push({
            message: `'${owned.pattern}' is owned by both '${other.unit}' and '${name}'`,
            path: owned.path,
            hint: "every output path belongs to one unit; keep it in one of them",
          });
        } else if (!other) {
          literals.set(owned.pattern, owned);
        }
      }
    });
  }
  const sorted = [...literals.keys()].sort();
  for (const glob of globs) {
    const base = picomatch.scan(glob.pattern).base;
    // Compiled only when a literal of another unit sits under the glob's base: most globs have none.
    let matches: picomatch.Matcher | undefined;
    let excluded: picomatch.Matcher | undefined;
    for (let i = lowerBound(sorted, base); i < sorted.length && sorted[i]!.startsWith(base); i++) {
      const literal = literals.get(sorted[i]!)!;
      if (literal.unit === glob.unit) continue;
      matches ??= picomatch(glob.pattern, { dot: true });
      excluded ??= picomatch(exclusions.get(glob.unit) ?? [], { dot: true });
      if (!matches(literal.pattern) || excluded(literal.pattern)) continue;
      errors.push({
        message: `'${glob.pattern}' in unit '${glob.unit}' also matches '${literal.pattern}', owned by '${literal.unit}'`,
        path: glob.path,
        hint: `every output path belongs to one unit; narrow the glob or add '!${literal.pattern}' to its owns`,
      });
      break;
    }
  }
}

function lowerBound(sorted: string[], value: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

function summarize(names: string[]): string {
  return names.length <= 12
    ? names.join(", ")
    : `${names.slice(0, 12).join(", ")}, … (${names.length} in all)`;
}
