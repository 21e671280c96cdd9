import { basename } from "node:path";
import type { PackageArgs } from "../build/build-types.js";
import { checkCriteriaCoverage } from "../build/criteria-coverage.js";
import { formatError, isSpecPromptError } from "../errors.js";
import { findManifest } from "../package/find-manifest.js";
import { type ComputedStatus, computeStatus } from "./compute-status.js";
import { type CheckItem, evaluateCheck } from "./evaluate-check.js";

export type { CheckItem, CheckName } from "./evaluate-check.js";

export interface CheckReport {
  /** Null when the manifest is not valid. */
  package: { name: string; version: string; dir: string } | null;
  /** The target checked, for a package with targets. */
  target?: string;
  /** Every item passed or was skipped. */
  passed: boolean;
  checks: CheckItem[];
  warnings: string[];
}

/** Errors that mean the manifest or a layer is invalid: a failed item, not a failed run. */
const MANIFEST_ERRORS = new Set(["E_MANIFEST", "E_PARAM", "E_LAYER", "E_UNITS", "E_TEMPLATE"]);

/**
 * `specprompt check`, the CI gate: the manifest is valid, nothing is stale, no generated file was
 * changed by hand, the last validation passed, and acceptance criteria are covered by tests where
 * `validation.requireCoverage` says so. No model. A missing package or a broken lock is bad input
 * (thrown); everything else is an item.
 */
export async function runCheck(args: PackageArgs): Promise<CheckReport> {
  const manifestPath = await findManifest(args.dir, args.cwd);
  let computed: ComputedStatus;
  try {
    computed = await computeStatus(args, { command: "check" });
  } catch (error) {
    if (!isSpecPromptError(error) || !MANIFEST_ERRORS.has(error.code)) throw error;
    const skipped = (check: CheckItem["check"]): CheckItem => ({
      check,
      status: "skip",
      message: "not checked: the manifest is not valid",
      details: [],
    });
    return {
      package: null,
      passed: false,
      checks: [
        {
          check: "manifest",
          status: "fail",
          message: formatError(error).split("\n")[0]!,
          details: error.hint ? [`hint: ${error.hint}`] : [],
        },
        skipped("stale"),
        skipped("drift"),
        skipped("validation"),
        skipped("coverage"),
      ],
      warnings: [],
    };
  }
  const { report, pkg, lock, warnings } = computed;
  const checks = evaluateCheck({
    status: report,
    lock,
    manifestFile: basename(manifestPath),
    validationCommand: pkg.validation.command,
    requireCoverage: pkg.manifest.validation?.requireCoverage === true,
    coverage: checkCriteriaCoverage(pkg),
    criteriaFile: pkg.criteria?.path,
  });
  const untracked = report.files.filter((file) => file.state === "untracked");
  return {
    package: report.package,
    passed: checks.every((item) => item.status !== "fail"),
    checks,
    warnings: [
      ...warnings,
      ...untracked.map((file) => `${file.path} is in unit ${file.unit}'s owned paths but no build wrote it`),
    ],
  };
}
