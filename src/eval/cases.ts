import { join } from "node:path";
import { SpecPromptError } from "../errors.js";
import { displayPath } from "../package/read-layers.js";
import type { CaseReader } from "./case-fields.js";
import { createCaseBuilder, createReader, type ReadCaseFileOptions } from "./case-reader.js";
import { checkCsvHeader, readCsvRow } from "./csv-cases.js";
import { createPackageFiles, PackagePathError } from "./package-files.js";
import { CsvSyntaxError, parseCsv } from "./parse-csv.js";
import type { EvalCase, PromptPackage } from "./types.js";
import { readJsonCases, readYamlCases } from "./yaml-cases.js";

export type { ReadCaseFileOptions } from "./case-reader.js";

export interface LoadCasesOptions {
  /** Folder that paths in messages are relative to (default: the current folder). */
  cwd?: string;
  /** Receives each warning as `file:line:col: message`; default: appended to `pkg.warnings`. */
  onWarning?: (warning: string) => void;
}

type CaseSource = Pick<PromptPackage, "dir" | "caseFiles"> & { warnings?: string[] };

/** Every case of every case file of the package, in file order then case order. */
export async function loadCases(pkg: CaseSource, options: LoadCasesOptions = {}): Promise<EvalCase[]> {
  const cases: EvalCase[] = [];
  for await (const evalCase of iterateCases(pkg, options)) cases.push(evalCase);
  return cases;
}

/**
 * The cases one file at a time: only the file being read is held in its parsed form, so a
 * runner that streams can keep memory bounded by the largest file rather than all of them.
 */
export async function* iterateCases(
  pkg: CaseSource,
  options: LoadCasesOptions = {},
): AsyncGenerator<EvalCase> {
  const files = createPackageFiles(pkg.dir);
  const onWarning = options.onWarning ?? ((warning: string) => pkg.warnings?.push(warning));
  const display = (rel: string) => displayPath(options.cwd ?? process.cwd(), join(pkg.dir, rel));
  for (const file of pkg.caseFiles) {
    yield* readCaseFile(file, { files, display, onWarning });
  }
}

const FORMATS = "YAML (.yaml, .yml), JSON (.json), JSONL (.jsonl) or CSV (.csv)";

/** The cases of one file (POSIX path relative to the package), format by extension; E_CASES at file:line on bad input. */
export function readCaseFile(file: string, options: ReadCaseFileOptions): EvalCase[] {
  const extension = /\.([^./]+)$/.exec(file)?.[1]?.toLowerCase();
  let text: string;
  try {
    // Not remembered: a case file is read once, and big ones should not outlive their reading.
    text = options.files.readText(file, { remember: false });
  } catch (error) {
    if (!(error instanceof PackagePathError)) throw error;
    throw new SpecPromptError("E_CASES", error.message, {
      location: { file: options.display(file) },
      hint: error.hint,
    });
  }
  switch (extension) {
    case "yaml":
    case "yml":
      return readYamlCases(text, file, options);
    case "json":
      return readJsonCases(text, file, options);
    case "jsonl":
      return readJsonlCases(text, file, options);
    case "csv":
      return readCsvCases(text, file, options);
    default:
      throw new SpecPromptError("E_CASES", `cannot read cases from ${file}: unknown file type`, {
        location: { file: options.display(file) },
        hint: `case files are ${FORMATS}; narrow the evals: globs in specprompt.yaml`,
      });
  }
}

function readJsonlCases(text: string, file: string, options: ReadCaseFileOptions): EvalCase[] {
  const lines = text.split("\n");
  const lineOf: number[] = [];
  const raws: unknown[] = [];
  lines.forEach((lineText, i) => {
    if (lineText.trim() === "") return;
    try {
      raws.push(JSON.parse(lineText));
    } catch (error) {
      throw new SpecPromptError("E_CASES", `line is not JSON: ${(error as Error).message}`, {
        location: { file: options.display(file), line: i + 1 },
        hint: "JSONL holds one JSON object per line",
      });
    }
    lineOf.push(i + 1);
  });
  const reader = createReader(file, options, (path) => ({ line: lineOf[path[0] as number] }));
  return buildCases(raws, reader);
}

function readCsvCases(text: string, file: string, options: ReadCaseFileOptions): EvalCase[] {
  let records: ReturnType<typeof parseCsv>;
  try {
    records = parseCsv(text);
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    throw new SpecPromptError("E_CASES", `CSV: ${error.message}`, {
      location: { file: options.display(file), line: error.line },
    });
  }
  const [header, ...rows] = records;
  if (!header) return [];
  const headerReader = createReader(file, options, () => ({ line: header.line }));
  const checked = checkCsvHeader(header.fields);
  if (checked.error) headerReader.fail({ message: checked.error, path: [] });
  for (const message of checked.warnings) headerReader.warn({ message, path: [] });
  const parsed = rows.map((row) => {
    if (row.fields.length !== header.fields.length) {
      throw new SpecPromptError(
        "E_CASES",
        `row has ${row.fields.length} fields; the header has ${header.fields.length}`,
        {
          location: { file: options.display(file), line: row.line },
          hint: 'quote fields that contain commas or line breaks: "a, b"',
        },
      );
    }
    return readCsvRow(header.fields, row.fields);
  });
  const reader = createReader(file, options, (path) => ({ line: rows[path[0] as number]?.line }));
  reader.label = (path) => {
    const row = parsed[path[0] as number];
    if (path[1] === "assert" && typeof path[2] === "number")
      return row?.assertColumns[path[2]] ?? "__expected";
    return `row ${(path[0] as number) + 1}`;
  };
  return buildCases(
    parsed.map((row) => row.raw),
    reader,
  );
}

/** Cases from a list of raw case objects (JSONL, CSV), without defaults. */
function buildCases(raws: unknown[], reader: CaseReader): EvalCase[] {
  const build = createCaseBuilder(reader, undefined);
  return raws.map((raw, index) => build(raw, [index], index));
}
