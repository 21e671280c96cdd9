import type { CriteriaReport } from "../build/criteria-coverage.js";
import type { Lock } from "../lock/lock-schema.js";
import type { StatusReport } from "./status-types.js";

/** The items `specprompt check` gates on, in the order it reports them. */
export type CheckName = "manifest" | "stale" | "drift" | "validation" | "coverage";

export interface CheckItem {
  check: CheckName;
  status: "pass" | "fail" | "skip";
  /** One line: what was found. */
  message: string;
  /** One line per finding (a stale unit, an edited file, an uncovered criterion). */
  details: string[];
}

/** What the gate looks at, already read from disk. */
export interface CheckFacts {
  status: StatusReport;
  lock: Lock;
  manifestFile: string;
  /** validation.command of the manifest, if any. */
  validationCommand?: string;
  /** validation.requireCoverage of the manifest. */
  requireCoverage: boolean;
  /** Criteria traced to tests; undefined when there is no criteria file or it has no ids. */
  coverage?: CriteriaReport;
  criteriaFile?: string;
}

/** Decide every item of the gate (pure): manifest, staleness, drift, the last validation, coverage. */
export function evaluateCheck(facts: CheckFacts): CheckItem[] {
  return [
    { check: "manifest", status: "pass", message: `${facts.manifestFile} is valid`, details: [] },
    checkStale(facts.status),
    checkDrift(facts.status),
    checkValidation(facts),
    checkCoverage(facts),
  ];
}

function checkStale(status: StatusReport): CheckItem {
  const details = [
    ...status.lockOutdated,
    ...status.stale.map((unit) => `${unit.unit}: ${unit.reasons.join("; ")}`),
    ...status.removedUnits.map((unit) => `${unit}: no longer in the manifest`),
  ];
  if (details.length === 0)
    return {
      check: "stale",
      status: "pass",
      message: "the lock is current: nothing would regenerate",
      details,
    };
  const units = status.stale.length + status.removedUnits.length;
  return {
    check: "stale",
    status: "fail",
    message:
      units > 0
        ? `${units} unit${units === 1 ? "" : "s"} would regenerate: run specprompt build and commit the result`
        : "the lock is out of date: run specprompt build and commit the lock",
    details,
  };
}

function checkDrift(status: StatusReport): CheckItem {
  const edited = status.files.filter((file) => file.state === "modified" || file.state === "missing");
  const generated = status.counts.clean + status.counts.modified + status.counts.missing;
  if (edited.length === 0)
    return {
      check: "drift",
      status: "pass",
      message: `all ${generated} generated files are as built`,
      details: [],
    };
  return {
    check: "drift",
    status: "fail",
    message: `${edited.length} generated file${edited.length === 1 ? " was" : "s were"} changed by hand (specprompt diff shows how)`,
    details: edited.map((file) => `${file.state} ${file.path} (unit ${file.unit})`),
  };
}

function checkValidation(facts: CheckFacts): CheckItem {
  const { lock } = facts;
  const failedUnits = Object.entries(lock.units)
    .filter(([, entry]) => entry.validation && !entry.validation.passed)
    .map(
      ([name, entry]) =>
        `${name}: ${entry.validation!.command} exited ${entry.validation!.exitCode ?? "on a signal"}`,
    );
  const last = lock.build.validation;
  if (last && !last.passed) {
    return {
      check: "validation",
      status: "fail",
      message: `the last build's validation failed: ${last.command} exited ${last.exitCode ?? "on a signal"}`,
      details: failedUnits,
    };
  }
  if (failedUnits.length > 0)
    return {
      check: "validation",
      status: "fail",
      message: "the lock records failed validation",
      details: failedUnits,
    };
  if (last)
    return {
      check: "validation",
      status: "pass",
      message: `${last.command} passed in build ${lock.build.id}`,
      details: [],
    };
  if (facts.validationCommand === undefined)
    return {
      check: "validation",
      status: "skip",
      message: "no validation.command in the manifest",
      details: [],
    };
  return {
    check: "validation",
    status: "fail",
    message: `the lock records no run of ${facts.validationCommand}: rebuild so that it does`,
    details: [],
  };
}

function checkCoverage(facts: CheckFacts): CheckItem {
  if (!facts.requireCoverage)
    return {
      check: "coverage",
      status: "skip",
      message: "not required (validation.requireCoverage)",
      details: [],
    };
  const { coverage } = facts;
  if (!coverage) {
    return {
      check: "coverage",
      status: "fail",
      message: facts.criteriaFile
        ? `requireCoverage is set but ${facts.criteriaFile} has no criterion ids (write them as "- AC-1: ...")`
        : "requireCoverage is set but there is no validation.criteria file",
      details: [],
    };
  }
  if (coverage.uncovered.length === 0)
    return {
      check: "coverage",
      status: "pass",
      message: `all ${coverage.total} criteria are named by tests`,
      details: [],
    };
  return {
    check: "coverage",
    status: "fail",
    message: `${coverage.uncovered.length} of ${coverage.total} criteria are named by no test`,
    details: coverage.uncovered.map(
      (criterion) => `${criterion.id} (${criterion.file}:${criterion.line}): ${criterion.title}`,
    ),
  };
}
