/** A file a model sent as a fenced block instead of a write_file call. */
export interface FencedFile {
  path: string;
  content: string;
}

const PATH_LIKE = /^[\w@.+-]+(\/[\w@.+-]+)*\.[\w-]+$|^[\w@.+-]+(\/[\w@.+-]+)+$/;

/**
 * The fallback for models without tools: fenced blocks whose path is given in the info string
 * (```ts src/a.ts, ```path=src/a.ts) or on the line just before the fence (`src/a.ts`, **src/a.ts**,
 * ### src/a.ts). Blocks without a path are ignored.
 */
export function parseFencedFiles(text: string): FencedFile[] {
  const lines = text.split(/\r?\n/);
  const files: FencedFile[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})(.*)$/.exec(lines[i] ?? "");
    if (!open) continue;
    const fence = open[2]!;
    const end = lines.findIndex((line, j) => j > i && isClosingFence(line, fence));
    if (end === -1) break;
    const path = pathFromInfo(open[3] ?? "") ?? pathFromHeading(lines, i);
    const body = lines.slice(i + 1, end);
    if (path) files.push({ path, content: body.length > 0 ? `${body.join("\n")}\n` : "" });
    i = end;
  }
  return files;
}

function isClosingFence(line: string, fence: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= fence.length && [...trimmed].every((char) => char === fence[0]);
}

function pathFromInfo(info: string): string | undefined {
  for (const token of info.trim().split(/\s+/)) {
    const named = /^(?:path|file|filename)=(.+)$/.exec(token);
    // Named explicitly (path=Makefile), any name goes; a bare word must look like a path, not a language.
    const value = unquote(named?.[1] ?? token);
    if (named ? value !== "" : PATH_LIKE.test(value)) return value;
  }
  return undefined;
}

/** The path on the last non-blank line of the two before the fence: `a.ts`, **a.ts**, ### File: a.ts */
function pathFromHeading(lines: string[], fenceLine: number): string | undefined {
  for (let j = fenceLine - 1; j >= 0 && j >= fenceLine - 2; j--) {
    const line = (lines[j] ?? "").trim();
    if (line === "") continue;
    const value = line
      .replace(/^#+\s*/, "")
      .replace(/^(?:file|path)\s*:\s*/i, "")
      .replace(/:$/, "")
      // Only the bold or code marks around it: `__init__.py` and `my_module.py` keep their '_'.
      .replace(/^[*`]+|[*`]+$/g, "")
      .replace(/:$/, "");
    return PATH_LIKE.test(value) ? value : undefined;
  }
  return undefined;
}

function unquote(value: string): string {
  return value.replace(/^["']|["']$/g, "");
}
