/** What a test run's output says, whatever the runner: the tests that failed and the counts. */

/** One failing test, as much as the runner's output tells. */
export interface TestFailure {
  /** The test's name, with its suites before it joined by " > ". */
  name: string;
  /** The test file, relative to the folder the command ran in, when the output names it. */
  file?: string;
  /** The error: message, assertion diff, relevant lines; trimmed, paths relative. */
  message: string;
  /** Stack frames in files of the tree (`src/stats.js:5:9`), innermost first; no runtime or dependency frames. */
  frames: string[];
}

export interface TestCounts {
  passed: number;
  failed: number;
}

/** Runners whose output we read. */
export type TestFormat = "tap" | "node-spec" | "junit" | "vitest" | "jest" | "pytest";

export interface TestReport {
  /** The format recognised; undefined when none was. */
  format?: TestFormat;
  failures: TestFailure[];
  /** Totals, when the output states them. */
  counts?: TestCounts;
}
