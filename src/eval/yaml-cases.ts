import { type Document, LineCounter, parseDocument } from "yaml";
import { SpecPromptError } from "../errors.js";
import type { IssuePath } from "../package/describe-schema-issues.js";
import { locateNode } from "../package/parse-manifest.js";
import { type CaseFields, describeValue, isRecord, readCaseFields } from "./case-fields.js";
import {
  createCaseBuilder,
  createReader,
  type FileReader,
  type Locate,
  type ReadCaseFileOptions,
} from "./case-reader.js";
import { splitYamlCases, type YamlChunk } from "./split-yaml-cases.js";
import type { EvalCase } from "./types.js";

const SYNTAX_HINT =
  "check the indentation, put a space after ':', and quote values that contain ': ' or ' #'";
const SHAPE_HINT = "e.g. - vars: { question: Hi }\n    assert: [{ type: contains, value: Hello }]";

/**
 * The cases of a YAML (or JSON) file: a list of cases, or promptfoo's map with `tests:` and
 * `defaultTest:`. Each case is parsed on its own when the file allows it (see splitYamlCases).
 */
export function readYamlCases(text: string, file: string, options: ReadCaseFileOptions): EvalCase[] {
  const split = splitYamlCases(text);
  if (split) return readSplit(split, file, options);
  const { data, locate } = parseChunk({ text, lineOffset: 0 }, file, options);
  return readData(data, createReader(file, options, locate));
}

/** A JSON case file: JSON.parse for the data; positions (YAML's parser) only when a message needs one. */
export function readJsonCases(text: string, file: string, options: ReadCaseFileOptions): EvalCase[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return readYamlCases(text, file, options);
  }
  let locate: Locate | undefined;
  const reader = createReader(file, options, (path, atKey) => {
    locate ??= parseChunk({ text, lineOffset: 0 }, file, options).locate;
    return locate(path, atKey);
  });
  return readData(data, reader);
}

/** A chunk parsed with positions; paths inside it are shifted by `prefix` and its first line. */
function parseChunk(chunk: YamlChunk, file: string, options: ReadCaseFileOptions) {
  const lineCounter = new LineCounter();
  // merge: promptfoo files share settings with `<<: *defaults`.
  const doc = parseDocument(chunk.text, { lineCounter, prettyErrors: false, merge: true });
  const [syntax] = doc.errors;
  if (syntax) {
    const { line, col } = lineCounter.linePos(syntax.pos[0]);
    throw new SpecPromptError("E_CASES", `YAML: ${syntax.message.split("\n")[0]}`, {
      location: { file: options.display(file), line: line + chunk.lineOffset, column: col },
      hint: SYNTAX_HINT,
    });
  }
  const locate = (path: IssuePath, atKey?: boolean) => {
    const at = locateNode(doc as Document, lineCounter, path, atKey);
    return at && { line: at.line + chunk.lineOffset, column: at.column };
  };
  return { data: doc.toJS() as unknown, locate };
}

function readSplit(
  split: NonNullable<ReturnType<typeof splitYamlCases>>,
  file: string,
  options: ReadCaseFileOptions,
): EvalCase[] {
  const reader = createReader(file, options, () => undefined);
  let defaults: CaseFields | undefined;
  for (const chunk of split.keys) {
    const { data, locate } = parseChunk(chunk, file, options);
    reader.locate = locate;
    if (chunk.key === "defaultTest") {
      defaults = readCaseFields(
        (data as Record<string, unknown>).defaultTest,
        ["defaultTest"],
        reader,
        "defaultTest",
      );
    } else {
      warnUnusedKey(reader, chunk.key);
    }
  }
  const prefix = split.form === "map" ? ["tests"] : [];
  const build = createCaseBuilder(reader, defaults);
  return split.items.map((chunk, index) => {
    const { data, locate } = parseChunk(chunk, file, options);
    // The chunk is a one-item list: the case is its item 0.
    reader.locate = (path, atKey) => locate([0, ...path.slice(prefix.length + 1)], atKey);
    return build((data as unknown[])[0], [...prefix, index], index);
  });
}

function readData(data: unknown, reader: FileReader): EvalCase[] {
  if (data === null || data === undefined) {
    reader.warn({ message: `${reader.file} holds no cases`, path: [] });
    return [];
  }
  if (Array.isArray(data)) {
    const build = createCaseBuilder(reader, undefined);
    return data.map((raw, index) => build(raw, [index], index));
  }
  const tests = isRecord(data) ? data.tests : undefined;
  if (!isRecord(data) || !Array.isArray(tests)) {
    const got = isRecord(data)
      ? `a map without a tests: list (tests: ${describeValue(tests)})`
      : describeValue(data);
    reader.fail({
      message: `expected a list of cases, or a map with tests: (and defaultTest:), got ${got}`,
      path: isRecord(data) && tests !== undefined ? ["tests"] : [],
      hint: SHAPE_HINT,
    });
  }
  const map = data as Record<string, unknown>;
  for (const key of Object.keys(map))
    if (key !== "tests" && key !== "defaultTest") warnUnusedKey(reader, key);
  const defaults =
    map.defaultTest === undefined
      ? undefined
      : readCaseFields(map.defaultTest, ["defaultTest"], reader, "defaultTest");
  const build = createCaseBuilder(reader, defaults);
  return (tests as unknown[]).map((raw, index) => build(raw, ["tests", index], index));
}

function warnUnusedKey(reader: FileReader, key: string): void {
  reader.warn({ message: `'${key}' is not used in a case file; ignored`, path: [key], atKey: true });
}
