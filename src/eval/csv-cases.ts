import { CHECKS } from "./assertion-checks.js";
import type { AssertionSpec } from "./types.js";

/** A CSV row as a case object (the YAML shape), and which column each assertion came from. */
export interface CsvCase {
  raw: {
    vars: Record<string, string>;
    assert: AssertionSpec[];
    description?: string;
    threshold?: number | string;
    metadata: Record<string, unknown>;
  };
  /** Column of each assertion, by index in `raw.assert`, for messages. */
  assertColumns: string[];
}

const specialColumn =
  /^__(expected\d*|description|threshold|metric|metadata:.+|config:__expected\d*:threshold)$/;

/** Problems with a header row: duplicate names are an error, columns we ignore or that look mistyped are warnings. */
export function checkCsvHeader(header: readonly string[]): { error?: string; warnings: string[] } {
  const seen = new Set<string>();
  const warnings: string[] = [];
  for (const column of header) {
    if (seen.has(column)) return { error: `column '${column}' appears twice in the header`, warnings };
    seen.add(column);
    if (column.startsWith("__") && !specialColumn.test(column)) {
      warnings.push(`column '${column}' is not used by specprompt; ignored`);
    } else if (/^_(expected|description|threshold|metric|metadata|config)/.test(column)) {
      warnings.push(`column '${column}' is a var; did you mean '_${column}'?`);
    }
  }
  return { warnings };
}

/**
 * promptfoo's CSV columns: every column is a var, except `__expected` / `__expectedN`
 * (assertion shorthands), `__description`, `__threshold`, `__metric`, `__metadata:<key>` (or
 * `<key>[]`, split on unescaped commas) and `__config:__expectedN:threshold`.
 */
export function readCsvRow(header: readonly string[], fields: readonly string[]): CsvCase {
  const raw: CsvCase["raw"] = { vars: {}, assert: [], metadata: {} };
  const assertColumns: string[] = [];
  const thresholds = new Map<string, number | string>();
  let metric: string | undefined;
  header.forEach((column, i) => {
    const value = fields[i] ?? "";
    if (/^__expected\d*$/.test(column)) {
      if (value.trim() === "") return;
      raw.assert.push(parseAssertionShorthand(value.trim()));
      assertColumns.push(column);
    } else if (column === "__description") {
      if (value !== "") raw.description = value;
    } else if (column === "__threshold") {
      if (value.trim() !== "") raw.threshold = toNumber(value);
    } else if (column === "__metric") {
      if (value !== "") metric = value;
    } else if (column.startsWith("__metadata:")) {
      readMetadataColumn(column.slice("__metadata:".length), value, raw.metadata);
    } else if (/^__config:__expected\d*:threshold$/.test(column)) {
      if (value.trim() !== "") thresholds.set(column.split(":")[1]!, toNumber(value));
    } else if (!column.startsWith("__")) {
      raw.vars[column] = value;
    }
  });
  raw.assert.forEach((spec, i) => {
    if (metric !== undefined) spec.metric = metric;
    const threshold = thresholds.get(assertColumns[i]!);
    if (threshold !== undefined) spec.threshold = threshold as number;
  });
  return { raw, assertColumns };
}

function readMetadataColumn(key: string, value: string, metadata: Record<string, unknown>): void {
  if (value.trim() === "") return;
  if (key.endsWith("[]")) {
    metadata[key.slice(0, -2)] = value.split(/(?<!\\),/).map((item) => item.trim().replaceAll("\\,", ","));
  } else {
    metadata[key] = value;
  }
}

function toNumber(value: string): number | string {
  const number = Number(value.trim());
  return Number.isFinite(number) ? number : value;
}

/** promptfoo's types that specprompt lacks: read as such so loading names them, rather than as equals. */
const PROMPTFOO_ONLY_TYPES = [
  "answer-relevance",
  "bleu",
  "classifier",
  "contains-html",
  "contains-sql",
  "contains-xml",
  "context-faithfulness",
  "context-recall",
  "context-relevance",
  "factuality",
  "finish-reason",
  "g-eval",
  "gleu",
  "is-html",
  "is-refusal",
  "is-sql",
  "is-valid-openai-function-call",
  "is-valid-openai-tools-call",
  "is-xml",
  "levenshtein",
  "meteor",
  "model-graded-closedqa",
  "model-graded-factuality",
  "moderation",
  "perplexity",
  "perplexity-score",
  "python",
  "rouge-n",
  "ruby",
  "select-best",
  "similar",
  "webhook",
];

// Longer names first is not needed: the anchored match backtracks from `contains` to `contains-any`.
const shorthandPattern = new RegExp(
  String.raw`^(not-)?(${[...Object.keys(CHECKS), ...PROMPTFOO_ONLY_TYPES].join("|")})(?:\((\d+(?:\.\d+)?)\))?(?::([\s\S]*))?$`,
);
const javascriptModule = /^file:\/\/.+\.(?:js|mjs|cjs)(?::[A-Za-z_$][\w$]*)?$/;

/**
 * promptfoo's assertion shorthand: `contains: refund`, `not-icontains:x`, `contains-any: a, b`,
 * `regex:^\d+$`, `is-json`, `latency(500)`, `llm-rubric: polite` (or `grade:`), `javascript:`
 * (or `fn:`, `eval:`) with an expression, `file://check.js[:fn]`; anything else means equals.
 * Values are trimmed.
 */
export function parseAssertionShorthand(text: string): AssertionSpec {
  const legacyJs = /^(?:javascript|fn|eval):/.exec(text);
  if (legacyJs) return { type: "javascript", value: text.slice(legacyJs[0].length).trim() };
  const rubric = /^(?:llm-rubric|grade):/.exec(text);
  if (rubric) return { type: "llm-rubric", value: text.slice(rubric[0].length).trim() };
  if (javascriptModule.test(text)) return { type: "javascript", value: text };
  if (/^file:\/\/.+\.py(:\w+)?$/.test(text)) return { type: "python", value: text };
  const match = shorthandPattern.exec(text);
  if (!match) return { type: "equals", value: text };
  const [, not, base, threshold, rest] = match;
  const type = `${not ?? ""}${base}`;
  const value = rest?.trim();
  const spec: AssertionSpec = { type };
  if (threshold !== undefined) spec.threshold = Number(threshold);
  if (base === "latency" || base === "cost") {
    if (spec.threshold === undefined && value) spec.threshold = Number(value);
  } else if (/^i?contains-(any|all)$/.test(base!)) {
    if (value) spec.value = value.split(",").map((item) => item.trim());
  } else if (value !== undefined && value !== "") {
    spec.value = value;
  }
  return spec;
}
