import { UsageError } from "../errors.js";

/** A plain `major.minor.patch` version (a pre-release or build suffix is kept as text). */
export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  /** `-rc.1` and the like, without the dash; empty when none. */
  pre: string;
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export function parseSemVer(text: string): SemVer | undefined {
  const match = SEMVER.exec(text.trim());
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]), pre: match[4] ?? "" };
}

/** Negative when a < b, 0 when equal, positive when a > b (a pre-release sorts before its release). */
export function compareSemVer(a: SemVer, b: SemVer): number {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (core !== 0) return core;
  if (a.pre === b.pre) return 0;
  if (a.pre === "") return 1;
  if (b.pre === "") return -1;
  return a.pre < b.pre ? -1 : 1;
}

export function formatSemVer(version: SemVer): string {
  return `${version.major}.${version.minor}.${version.patch}${version.pre ? `-${version.pre}` : ""}`;
}

/**
 * The version after `from` for a bump (`patch`, `minor`, `major`) or an explicit `x.y.z`.
 * UsageError (exit 2) for anything else, and for an explicit version that does not move forward.
 */
export function nextVersion(from: string, bump: string): string {
  const current = parseSemVer(from);
  if (!current) throw new UsageError(`the manifest's version ${JSON.stringify(from)} is not semver`);
  if (bump === "patch" || bump === "minor" || bump === "major") {
    // A pre-release becomes its own release on a patch bump (1.0.0-rc.1 → 1.0.0), as npm does.
    if (bump === "patch")
      return formatSemVer({ ...current, patch: current.pre ? current.patch : current.patch + 1, pre: "" });
    if (bump === "minor") return formatSemVer({ ...current, minor: current.minor + 1, patch: 0, pre: "" });
    return formatSemVer({ major: current.major + 1, minor: 0, patch: 0, pre: "" });
  }
  const target = parseSemVer(bump);
  if (!target)
    throw new UsageError(
      `invalid version bump ${JSON.stringify(bump)}`,
      "use patch, minor, major or an explicit version such as 1.2.3",
    );
  if (compareSemVer(target, current) <= 0)
    throw new UsageError(
      `version ${bump} does not come after the current version ${from}`,
      "a new version must be greater than the last one",
    );
  return bump.trim();
}
