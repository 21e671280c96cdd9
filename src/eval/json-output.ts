import { z } from "zod";

/** The output parsed as JSON, or undefined when it is not JSON. */
export function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

const fencePattern = /```[A-Za-z0-9_-]*[ \t]*\n([\s\S]*?)\n[ \t]*```/g;

/**
 * Every JSON object or array found in model output: the whole text, fenced code blocks, then
 * balanced `{...}` / `[...]` spans in the prose, in that order. Scalars count only as the whole text.
 */
export function extractJsonValues(text: string): unknown[] {
  const whole = parseJson(text.trim());
  if (whole) return [whole.value];
  const found: unknown[] = [];
  const fences: [number, number][] = [];
  for (const match of text.matchAll(fencePattern)) {
    const fenced = parseJson(match[1]!.trim());
    if (!fenced || typeof fenced.value !== "object" || fenced.value === null) continue;
    found.push(fenced.value);
    fences.push([match.index, match.index + match[0].length]);
  }
  let index = 0;
  while (index < text.length) {
    const start = findOpening(text, index);
    if (start === -1) break;
    const fence = fences.find(([from, to]) => start >= from && start < to);
    if (fence) {
      index = fence[1];
      continue;
    }
    const end = findBalancedEnd(text, start);
    const parsed = end === -1 ? undefined : parseJson(text.slice(start, end + 1));
    if (parsed) {
      found.push(parsed.value);
      index = end + 1;
    } else {
      index = start + 1;
    }
  }
  return found;
}

function findOpening(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 123 || code === 91) return i;
  }
  return -1;
}

/** Index of the bracket closing the one at `start`, skipping brackets inside strings; -1 when none. */
function findBalancedEnd(text: string, start: number): number {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const char = text[i]!;
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === "{" || char === "[") {
      stack.push(char === "{" ? "}" : "]");
    } else if (char === "}" || char === "]") {
      if (stack.pop() !== char) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

/** Structural equality of JSON values (key order ignored). */
export function deepEqualJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, i) => deepEqualJson(item, other[i]));
  }
  const aKeys = Object.keys(a);
  const bRecord = b as Record<string, unknown>;
  if (aKeys.length !== Object.keys(bRecord).length) return false;
  return aKeys.every(
    (key) => Object.hasOwn(bRecord, key) && deepEqualJson((a as Record<string, unknown>)[key], bRecord[key]),
  );
}

/** A compiled JSON Schema: undefined when the value conforms, else one line saying where and why not. */
export type JsonSchemaCheck = (value: unknown) => string | undefined;

/**
 * Compiles a JSON Schema once with zod's converter (drafts 4 to 2020-12 without `not`,
 * `if`/`then`/`else` and `dependent*`, which throw here so a case file names them at load).
 */
export function compileJsonSchema(schema: unknown): JsonSchemaCheck {
  if (
    typeof schema !== "boolean" &&
    (typeof schema !== "object" || schema === null || Array.isArray(schema))
  ) {
    throw new Error("a JSON Schema is an object (or true/false)");
  }
  const zodSchema = z.fromJSONSchema(declareRequiredProperties(structuredClone(schema)) as never);
  return (value) => {
    const result = zodSchema.safeParse(value);
    if (result.success) return undefined;
    const issue = result.error.issues[0]!;
    const path = issue.path.length > 0 ? `/${issue.path.join("/")}` : "(root)";
    const missing = issue.code === "invalid_type" && readPath(value, issue.path) === undefined;
    return `${path}: ${missing ? "required, but missing" : issue.message}`;
  };
}

function readPath(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * zod's converter checks `required` only for keys listed in `properties`; listing the missing
 * ones as `{}` (any value) makes `{"required": ["a"]}` reject `{}`, as JSON Schema says.
 */
function declareRequiredProperties(node: unknown): unknown {
  if (Array.isArray(node)) {
    for (const item of node) declareRequiredProperties(item);
  } else if (node !== null && typeof node === "object") {
    const record = node as Record<string, unknown>;
    for (const value of Object.values(record)) declareRequiredProperties(value);
    if (Array.isArray(record.required) && record.additionalProperties !== false) {
      record.properties ??= {};
      const properties = record.properties as Record<string, unknown>;
      for (const key of record.required) if (typeof key === "string") properties[key] ??= {};
    }
  }
  return node;
}
