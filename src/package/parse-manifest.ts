import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { checkManifest } from "./check-manifest.js";
import { describeSchemaIssues, type IssuePath, type ManifestFinding } from "./describe-schema-issues.js";
import { type Manifest, manifestSchema } from "./manifest-schema.js";

/** One problem in a manifest, placed at the node it is about (1-based line and column). */
export interface ManifestIssue {
  message: string;
  path: IssuePath;
  line?: number;
  column?: number;
  hint?: string;
}

export interface ParsedManifest {
  /** Present only when there are no errors. */
  manifest?: Manifest;
  errors: ManifestIssue[];
  warnings: ManifestIssue[];
  /** Line and column of the value at `path` (or of its key, or of the nearest parent that exists). */
  locate(path: IssuePath, options?: { atKey?: boolean }): { line: number; column: number } | undefined;
}

const syntaxHint = "check the indentation, put a space after ':', and quote values that contain ': ' or ' #'";

/** Parses and checks the text of a specprompt.yaml; never throws, every problem carries a position. */
export function parseManifest(text: string, file: string): ParsedManifest {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const locate: ParsedManifest["locate"] = (path, options = {}) =>
    locateNode(doc, lineCounter, path, options.atKey);
  const place = (finding: ManifestFinding): ManifestIssue => {
    const { atKey, ...issue } = finding;
    return { ...issue, ...locate(finding.path, { atKey }) };
  };
  const warnings = doc.warnings.map((warning) => yamlIssue(warning.message, warning.pos[0], lineCounter));
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((error) => ({
      ...yamlIssue(error.message, error.pos[0], lineCounter),
      hint: error.code === "DUPLICATE_KEY" ? "each key may appear once in a map" : syntaxHint,
    }));
    return { errors, warnings, locate };
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) {
    const hint = "add at least name:, version: and core:, or run `specprompt init <name>`";
    return {
      errors: [{ message: `${file} is empty`, path: [], line: 1, column: 1, hint }],
      warnings,
      locate,
    };
  }
  const result = manifestSchema.safeParse(data);
  if (!result.success) {
    const findings = describeSchemaIssues(result.error.issues, data, manifestSchema);
    return { errors: sortByPosition(findings.map(place)), warnings, locate };
  }
  const checked = checkManifest(result.data);
  const errors = sortByPosition(checked.errors.map(place));
  warnings.push(...checked.warnings.map(place));
  return {
    manifest: errors.length === 0 ? result.data : undefined,
    errors,
    warnings: sortByPosition(warnings),
    locate,
  };
}

function yamlIssue(message: string, offset: number, lineCounter: LineCounter): ManifestIssue {
  const { line, col } = lineCounter.linePos(offset);
  return {
    message: `YAML: ${message.charAt(0).toLowerCase()}${message.slice(1)}`,
    path: [],
    line,
    column: col,
  };
}

/** Line and column of the YAML node at `path` (or of its key with `atKey`, or of the nearest parent that exists). */
export function locateNode(
  doc: Document,
  lineCounter: LineCounter,
  path: IssuePath,
  atKey = false,
): { line: number; column: number } | undefined {
  let node: unknown = doc.contents;
  let offset = (node as Node | null)?.range?.[0];
  for (const [i, segment] of path.entries()) {
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => String(isScalar(item.key) ? item.key.value : item.key) === String(segment),
      );
      if (!pair) break;
      const keyOffset = (pair.key as Node | null)?.range?.[0];
      if (atKey && i === path.length - 1) {
        offset = keyOffset ?? offset;
        break;
      }
      next = pair.value;
      offset = (next as Node | null)?.range?.[0] ?? keyOffset ?? offset;
    } else if (isSeq(node) && typeof segment === "number") {
      next = node.items[segment];
      if (next === undefined) break;
      offset = (next as Node | null)?.range?.[0] ?? offset;
    } else {
      break;
    }
    node = next;
  }
  if (offset === undefined) return undefined;
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

function sortByPosition(issues: ManifestIssue[]): ManifestIssue[] {
  return issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
