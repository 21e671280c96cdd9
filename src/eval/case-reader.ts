import { formatLocation, SpecPromptError } from "../errors.js";
import type { IssuePath } from "../package/describe-schema-issues.js";
import { compileAssertion } from "./assertions.js";
import { type CaseFields, type CaseIssue, type CaseReader, readCaseFields } from "./case-fields.js";
import type { PackageFiles } from "./package-files.js";
import type { AssertionSpec, EvalCase } from "./types.js";

export interface ReadCaseFileOptions {
  files: PackageFiles;
  /** How a package-relative path is named in messages. */
  display: (rel: string) => string;
  onWarning: (warning: string) => void;
}

/** How a format turns a path in its data into a line (and column). */
export type Locate = (path: IssuePath, atKey?: boolean) => { line?: number; column?: number } | undefined;

/** A reader for one file; `locate` may be swapped as the file is read piece by piece. */
export type FileReader = CaseReader & { locate: Locate };

/** Errors become E_CASES at file:line; each warning is reported once per file. */
export function createReader(file: string, options: ReadCaseFileOptions, locate: Locate): FileReader {
  const shown = options.display(file);
  const warned = new Set<string>();
  const reader: FileReader = {
    file,
    files: options.files,
    locate,
    fail(issue: CaseIssue): never {
      throw new SpecPromptError("E_CASES", issue.message, {
        location: { file: shown, ...reader.locate(issue.path, issue.atKey) },
        hint: issue.hint,
      });
    },
    warn(issue: CaseIssue) {
      if (warned.has(issue.message)) return;
      warned.add(issue.message);
      const where = formatLocation({ file: shown, ...reader.locate(issue.path, issue.atKey) });
      options.onWarning(`${where}: ${issue.message}`);
    },
  };
  return reader;
}

/** Turns raw case objects into cases, merging the file's defaults (defaultTest) into each. */
export function createCaseBuilder(
  reader: CaseReader,
  defaults: CaseFields | undefined,
): (raw: unknown, path: IssuePath, index: number) => EvalCase {
  const withGrader = createGraderAssigner(reader.files);
  return (raw, path, index) => {
    const own = readCaseFields(raw, path, reader);
    const grader = own.grader ?? defaults?.grader;
    const assert = defaults ? [...defaults.assert, ...own.assert] : own.assert;
    const evalCase: EvalCase = {
      id: `${reader.file}#${index}`,
      file: reader.file,
      vars: defaults ? { ...defaults.vars, ...own.vars } : own.vars,
      assert: grader === undefined ? assert : assert.map((spec) => withGrader(spec, grader)),
      repeat: own.repeat ?? defaults?.repeat ?? 1,
      metadata: defaults ? { ...defaults.metadata, ...own.metadata } : own.metadata,
    };
    if (own.description !== undefined) evalCase.description = own.description;
    const threshold = own.threshold ?? defaults?.threshold;
    if (threshold !== undefined) evalCase.threshold = threshold;
    return evalCase;
  };
}

/**
 * A case's `options.provider` grades its llm-rubric assertions that name no provider. The copy
 * is made once per spec and grader, so defaultTest assertions stay shared (and compiled once).
 */
function createGraderAssigner(files: PackageFiles): (spec: AssertionSpec, grader: string) => AssertionSpec {
  const copies = new Map<AssertionSpec, Map<string, AssertionSpec>>();
  return (spec, grader) => {
    if (spec.provider !== undefined || spec.type.replace(/^not-/, "") !== "llm-rubric") return spec;
    let byGrader = copies.get(spec);
    if (!byGrader) {
      byGrader = new Map();
      copies.set(spec, byGrader);
    }
    let copy = byGrader.get(grader);
    if (!copy) {
      copy = { ...spec, provider: grader };
      compileAssertion(copy, files);
      byGrader.set(grader, copy);
    }
    return copy;
  };
}
