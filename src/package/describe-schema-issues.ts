import type { z } from "zod";
import { suggestName } from "../util/closest-name.js";

export type IssuePath = (string | number)[];

/** A manifest problem before it has a line: what, where in the data, and whether the key itself is at fault. */
export interface ManifestFinding {
  message: string;
  path: IssuePath;
  hint?: string;
  /** Point at the key rather than its value (unknown keys, bad unit names). */
  atKey?: boolean;
}

type Issue = z.core.$ZodIssue;

/** Turns zod issues into findings a person can act on: one per unknown key, unions narrowed to the branch meant. */
export function describeSchemaIssues(
  issues: readonly Issue[],
  data: unknown,
  schema: z.ZodType,
): ManifestFinding[] {
  return issues.flatMap((issue) => describeIssue(issue, [], data, schema));
}

/** `units.stats.needs[0]`, or `(root)`. */
export function formatIssuePath(path: IssuePath): string {
  let text = "";
  for (const segment of path) {
    text += typeof segment === "number" ? `[${segment}]` : text === "" ? segment : `.${segment}`;
  }
  return text === "" ? "(root)" : text;
}

function describeIssue(issue: Issue, prefix: IssuePath, data: unknown, schema: z.ZodType): ManifestFinding[] {
  const path = [
    ...prefix,
    ...issue.path.map((segment) => (typeof segment === "number" ? segment : String(segment))),
  ];
  const where = formatIssuePath(path);
  const value = getAt(data, path);
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = listAllowedKeys(schema, path);
      const inParent = path.length > 0 ? ` in ${where}` : "";
      return issue.keys.map((key) => ({
        message: `unknown key '${key}'${inParent}${suggestName(key, allowed)}`,
        path: [...path, key],
        hint: allowed.length > 0 ? `allowed here: ${allowed.join(", ")}` : undefined,
        atKey: true,
      }));
    }
    case "invalid_type": {
      if (value === undefined) {
        const parent = path.slice(0, -1);
        const inParent = parent.length > 0 ? ` in ${formatIssuePath(parent)}` : "";
        return [{ message: `missing required field '${path.at(-1)}'${inParent}`, path }];
      }
      if (path.length === 0) {
        return [
          { message: `expected a map of fields (name:, version:, ...), got ${describeType(value)}`, path },
        ];
      }
      const quote = issue.expected === "string" && typeof value !== "object";
      return [
        {
          message: `${where}: expected ${issue.expected}, got ${describeType(value)}`,
          path,
          hint: quote ? "put the value in quotes to make it a string" : undefined,
        },
      ];
    }
    case "invalid_union": {
      const meant = issue.errors.find((branch) => branch.some((inner) => !isRootTypeIssue(inner)));
      if (meant) return meant.flatMap((inner) => describeIssue(inner, path, data, schema));
      const expected = issue.errors.flatMap((branch) =>
        branch.flatMap((inner) => (inner.code === "invalid_type" ? [inner.expected] : [])),
      );
      return [
        {
          message: `${where}: expected ${[...new Set(expected)].join(" or ")}, got ${describeType(value)}`,
          path,
        },
      ];
    }
    case "invalid_key": {
      const reasons = issue.issues.map((inner) => inner.message).join("; ");
      const parent = formatIssuePath(path.slice(0, -1));
      return [{ message: `${parent}: invalid name '${path.at(-1)}': ${reasons}`, path, atKey: true }];
    }
    case "invalid_value": {
      const options = issue.values.map((option) => JSON.stringify(option)).join(", ");
      return [{ message: `${where}: expected one of ${options}, got ${JSON.stringify(value)}`, path }];
    }
    default:
      return [
        { message: `${where}: ${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)}`, path },
      ];
  }
}

function isRootTypeIssue(issue: Issue): boolean {
  return issue.code === "invalid_type" && issue.path.length === 0;
}

function describeType(value: unknown): string {
  if (value === null) return "nothing (null)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  return `${typeof value} ${JSON.stringify(value)}`;
}

function getAt(data: unknown, path: IssuePath): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** The keys an object schema accepts at `path`, following optional, default, record and array wrappers. */
function listAllowedKeys(schema: z.ZodType, path: IssuePath): string[] {
  let current: z.core.$ZodType | undefined = schema;
  const steps = [...path];
  while (current) {
    const def = current._zod.def as unknown as Record<string, unknown> & { type: string };
    if (def.type === "optional" || def.type === "default" || def.type === "nullable") {
      current = def.innerType as z.core.$ZodType;
    } else if (steps.length === 0) {
      return def.type === "object" ? Object.keys(def.shape as object) : [];
    } else {
      const segment = String(steps.shift());
      if (def.type === "object") current = (def.shape as Record<string, z.core.$ZodType>)[segment];
      else if (def.type === "record") current = def.valueType as z.core.$ZodType;
      else if (def.type === "array") current = def.element as z.core.$ZodType;
      else return [];
    }
  }
  return [];
}
