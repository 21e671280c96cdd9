import { SpecPromptError, UsageError } from "../errors.js";
import { findClosestName } from "../util/closest-name.js";

/** What a param name may look like: `license`, `db.url`, `api-version`. */
export const paramNamePattern = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** `\{{` (an escaped literal) or `{{ name }}` (group 1): the placeholder grammar layers and runtime templates share. */
export const placeholderPattern = /\\\{\{|\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g;

/**
 * Replaces `{{name}}` and `{{ name }}` with `params[name]`. Write `\{{` for a literal `{{`
 * (the backslash is dropped). Braces around anything that is not a param name, such as
 * `{{#each}}`, are left as they are. An undefined param throws E_PARAM at its file:line:column.
 */
export function renderParams(text: string, params: Record<string, string>, file: string): string {
  if (!text.includes("{{")) return text;
  return text.replace(placeholderPattern, (_match, name: string | undefined, offset: number) => {
    if (name === undefined) return "{{";
    if (Object.hasOwn(params, name)) return params[name]!;
    throw createUndefinedParamError(text, offset, name, params, file);
  });
}

/** Parses repeated `--set name=value` flags; the last value of a name wins. */
export function parseSetFlags(values: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const value of values) {
    const equals = value.indexOf("=");
    const name = equals < 0 ? value : value.slice(0, equals);
    if (equals < 0 || !paramNamePattern.test(name)) {
      throw new UsageError(
        `--set expects name=value, got '${value}'`,
        "pass one param per flag, e.g. --set license=MIT; names use letters, digits, '_', '.' and '-'",
      );
    }
    params[name] = value.slice(equals + 1);
  }
  return params;
}

function createUndefinedParamError(
  text: string,
  offset: number,
  name: string,
  params: Record<string, string>,
  file: string,
): SpecPromptError {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  const known = Object.keys(params);
  const closest = findClosestName(name, known);
  const message = closest
    ? `undefined param '${name}'; did you mean '${closest}'?`
    : `undefined param '${name}'`;
  const knownText = known.length > 0 ? `known params: ${known.join(", ")}` : "no params are defined";
  return new SpecPromptError("E_PARAM", message, {
    location: { file, line, column },
    hint: `define it under params: in specprompt.yaml or pass --set ${name}=<value>; ${knownText}; write \\{{ for a literal {{`,
  });
}
