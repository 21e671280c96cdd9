import { SpecPromptError } from "../errors.js";
import { placeholderPattern } from "../package/render-params.js";
import { findClosestName } from "../util/closest-name.js";
import { sha256 } from "../util/hash.js";
import type { PackageFiles } from "./package-files.js";
import { createTemplateSources, type TemplateFile, type TemplateSources } from "./template-files.js";
import type { PromptMessage, PromptTemplate } from "./types.js";

export interface CompileTemplateOptions {
  /** Package-relative POSIX path of the template. */
  path: string;
  files: PackageFiles;
  /** Vars used when the vars given to `render` lack a name: the manifest params. */
  defaults?: Record<string, unknown>;
  /** How a package-relative path is named in messages (default: as it is). */
  display?: (rel: string) => string;
  /** Imported libraries whose files `{{> @alias/path}}` includes: alias → their files. */
  libraries?: Record<string, PackageFiles>;
}

/** A `{{name}}` in the template, pre-split for lookup and placed for error messages. */
interface VarRef {
  name: string;
  keys: string[];
  file: string;
  line: number;
  column: number;
}

/** Text from one or more files; `origins` maps offsets back to file:line for error messages. */
interface TextRun {
  text: string;
  origins: { at: number; file: string; line: number }[];
}

type Item = TextRun | VarRef;
type Part = string | VarRef;
type Role = PromptMessage["role"];

// The layer placeholder grammar (`\{{`, `{{ name }}`), plus `{{> partial}}` and, last, any other `{{`.
const tokenPattern = new RegExp(
  String.raw`${placeholderPattern.source}|\{\{\s*>\s*([^\s{}]+)\s*\}\}|\{\{`,
  "g",
);
const markerPattern = /^[ \t]*\[(system|user|assistant)\][ \t]*$/gm;
const LITERAL_HINT =
  "write {{name}} for a variable or {{> path.md}} for a partial; write \\{{ for a literal {{";

/**
 * Compiles a runtime template once: partials expanded (relative to the including file, inside
 * the package, cycles refused), split into chat messages at `[system]`/`[user]`/`[assistant]`
 * lines, variables located. `render` then only concatenates.
 */
export function compileTemplate(options: CompileTemplateOptions): PromptTemplate {
  const files = createTemplateSources(
    options.files,
    options.libraries ?? {},
    options.display ?? ((rel: string) => rel),
  );
  const display = files.display;
  const sources = new Map<string, string>();
  const items: Item[] = [];
  expandFile(files.file(options.path), [], items, sources, files);
  const messages = splitMessages(items, display);
  const variables = [...new Set(listVarRefs(items).map((ref) => ref.name))].sort();
  const hash = sha256([...sources].map(([path, text]) => `${path}\0${text}`).join("\0"));
  const defaults = options.defaults ?? {};
  return {
    path: options.path,
    hash,
    variables,
    render(vars) {
      return messages.map((message) => ({
        role: message.role,
        content: renderParts(message.parts, vars, defaults, display),
      }));
    },
  };
}

function expandFile(
  file: TemplateFile,
  chain: string[],
  items: Item[],
  sources: Map<string, string>,
  files: TemplateSources,
): void {
  const { display } = files;
  const rel = file.key;
  const text = files.readText(file);
  if (!sources.has(rel)) sources.set(rel, text);
  const place = createLocator(text);
  const pushText = (slice: string, offset: number) => {
    if (slice === "") return;
    const last = items.at(-1);
    const origin = { file: rel, line: place(offset).line };
    if (last && "text" in last) {
      last.origins.push({ at: last.text.length, ...origin });
      last.text += slice;
    } else {
      items.push({ text: slice, origins: [{ at: 0, ...origin }] });
    }
  };
  let last = 0;
  for (const match of text.matchAll(tokenPattern)) {
    const offset = match.index;
    pushText(text.slice(last, offset), last);
    last = offset + match[0].length;
    const [token, name, partial] = match;
    if (token.startsWith("\\")) {
      pushText("{{", offset);
    } else if (name !== undefined) {
      items.push({ name, keys: name.split("."), file: rel, ...place(offset) });
    } else if (partial !== undefined) {
      const where = { file: display(rel), ...place(offset) };
      const target = files.resolvePartial(file, partial, where);
      if (target.key === rel || chain.includes(target.key)) {
        const cycle = [...chain, rel, target.key].slice([...chain, rel].indexOf(target.key));
        throw new SpecPromptError("E_TEMPLATE", `partials include each other: ${cycle.join(" → ")}`, {
          location: where,
          hint: "a partial may not include itself, directly or through other partials",
        });
      }
      expandFile(target, [...chain, rel], items, sources, files);
    } else {
      const shown = text.slice(offset, offset + 20).split("\n")[0];
      throw new SpecPromptError("E_TEMPLATE", `'${shown}' is not a variable or a partial`, {
        location: { file: display(rel), ...place(offset) },
        hint: LITERAL_HINT,
      });
    }
  }
  // The include line has its own line break: a partial's final one is dropped.
  const rest = text.slice(last);
  pushText(chain.length > 0 && rest.endsWith("\n") ? rest.slice(0, -1) : rest, last);
}

interface CompiledMessage {
  role: Role;
  parts: Part[];
}

/** Splits the expanded template at marker lines; no marker means one user message. */
function splitMessages(items: Item[], display: (rel: string) => string): CompiledMessage[] {
  const preamble: Part[] = [];
  const messages: (CompiledMessage & { at: { file: string; line: number } })[] = [];
  let parts = preamble;
  items.forEach((item, i) => {
    if (!("text" in item)) {
      parts.push(item);
      return;
    }
    let from = 0;
    for (const match of item.text.matchAll(markerPattern)) {
      const end = match.index + match[0].length;
      // A marker must be a whole line: not continued by a variable before or after it.
      if ((match.index === 0 && i > 0) || (end === item.text.length && i < items.length - 1)) continue;
      parts.push(item.text.slice(from, match.index));
      parts = [];
      messages.push({ role: match[1] as Role, parts, at: originOf(item, match.index) });
      from = end;
    }
    parts.push(item.text.slice(from));
  });
  if (messages.length === 0) return [{ role: "user", parts: trimParts(preamble) }];
  const stray = preamble.find((part) => typeof part !== "string" || part.trim() !== "");
  if (stray !== undefined) {
    const at = typeof stray === "string" ? originOf(firstRun(items), stray.search(/\S/)) : stray;
    throw new SpecPromptError("E_TEMPLATE", "text before the first [system], [user] or [assistant] line", {
      location: { file: display(at.file), line: at.line },
      hint: "start the template with a role line, or use no role lines for a single user message",
    });
  }
  return messages.map(({ role, parts: body, at }) => {
    const trimmed = trimParts(body);
    if (trimmed.length === 0) {
      throw new SpecPromptError("E_TEMPLATE", `[${role}] has no content`, {
        location: { file: display(at.file), line: at.line },
        hint: "write the message below its role line, or remove the line",
      });
    }
    return { role, parts: trimmed };
  });
}

/** Blank lines before and whitespace after a message's own text are layout, not content. */
function trimParts(parts: Part[]): Part[] {
  const result = [...parts];
  if (typeof result[0] === "string") result[0] = result[0].replace(/^(?:[ \t]*\n)+/, "");
  const lastIndex = result.length - 1;
  if (typeof result[lastIndex] === "string") result[lastIndex] = result[lastIndex].trimEnd();
  return result.filter((part) => part !== "");
}

function renderParts(
  parts: Part[],
  vars: Record<string, unknown>,
  defaults: Record<string, unknown>,
  display: (rel: string) => string,
): string {
  let text = "";
  for (const part of parts) {
    if (typeof part === "string") {
      text += part;
      continue;
    }
    let value = lookUp(vars, part);
    if (value === undefined) value = lookUp(defaults, part);
    if (value === undefined || value === null) throw missingVariable(part, value, vars, defaults, display);
    text +=
      typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
  }
  return text;
}

function lookUp(vars: Record<string, unknown>, ref: VarRef): unknown {
  return readVar(vars, ref.name, ref.keys);
}

/** A var by name: a flat name (`db.url`) first, then the dotted path into objects (`user.name`). */
export function readVar(vars: Record<string, unknown>, name: string, keys = name.split(".")): unknown {
  if (Object.hasOwn(vars, name)) return vars[name];
  if (keys.length === 1) return undefined;
  let current: unknown = vars;
  for (const key of keys) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function missingVariable(
  ref: VarRef,
  value: null | undefined,
  vars: Record<string, unknown>,
  defaults: Record<string, unknown>,
  display: (rel: string) => string,
): SpecPromptError {
  const known = [...new Set([...Object.keys(vars), ...Object.keys(defaults)])];
  const closest = value === null ? undefined : findClosestName(ref.name, known);
  const problem = value === null ? `variable '${ref.name}' is null` : `missing variable '${ref.name}'`;
  const knownText = known.length > 0 ? `vars given: ${known.slice(0, 12).join(", ")}` : "no vars were given";
  return new SpecPromptError("E_TEMPLATE", closest ? `${problem}; did you mean '${closest}'?` : problem, {
    location: { file: display(ref.file), line: ref.line, column: ref.column },
    hint: `set ${ref.name} in the case's vars or under params: in specprompt.yaml (or pass --vars ${ref.name}=<value>); ${knownText}`,
  });
}

function listVarRefs(items: Item[]): VarRef[] {
  return items.filter((item): item is VarRef => !("text" in item));
}

function firstRun(items: Item[]): TextRun {
  return items.find((item): item is TextRun => "text" in item)!;
}

function originOf(run: TextRun, offset: number): { file: string; line: number } {
  let origin = run.origins[0]!;
  for (const candidate of run.origins) if (candidate.at <= offset) origin = candidate;
  let line = origin.line;
  for (let i = origin.at; i < offset; i++) if (run.text.charCodeAt(i) === 10) line++;
  return { file: origin.file, line };
}

/** 1-based line and column of offsets in `text`, for offsets that only grow. */
function createLocator(text: string): (offset: number) => { line: number; column: number } {
  let scanned = 0;
  let line = 1;
  let lineStart = 0;
  return (offset) => {
    for (; scanned < offset; scanned++) {
      if (text.charCodeAt(scanned) === 10) {
        line++;
        lineStart = scanned + 1;
      }
    }
    return { line, column: offset - lineStart + 1 };
  };
}
