/**
 * Test output made readable and stable: no colour codes, paths relative to the tree the tests ran
 * in, no timings or memory addresses. What the model is sent must not change from run to run, or
 * a replay from the response cache would miss.
 */

// CSI sequences (colours, cursor moves) and OSC sequences (hyperlinks).
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;

export function stripAnsi(text: string): string {
  return text.includes("\x1b") ? text.replace(ANSI, "") : text;
}

/** Absolute paths (and `file://` URLs) below one of `roots` become relative; a root alone becomes `.`. */
export function relativizePaths(text: string, roots: string[]): string {
  let result = text;
  for (const root of [...new Set(roots)].sort((a, b) => b.length - a.length)) {
    if (!root || root === "/") continue;
    const base = root.endsWith("/") ? root.slice(0, -1) : root;
    result = result
      .replaceAll(`file://${base}/`, "")
      .replaceAll(`${base}/`, "")
      .replaceAll(`file://${base}`, ".")
      .replace(new RegExp(`${escapeRegExp(base)}(?![\\w.-])`, "g"), ".");
  }
  return result;
}

/** Output as the parsers read it: colourless, CRs gone, paths relative to the tree. */
export function cleanOutput(text: string, roots: string[]): string {
  return relativizePaths(stripAnsi(text).replace(/\r\n?/g, "\n"), roots);
}

/** Remove what differs between two runs of the same tests: durations and object addresses. */
export function stableText(text: string): string {
  return text
    .replace(/\s*\(\d+(?:\.\d+)?\s?(?:ms|s)\)/g, "")
    .replace(/\bduration_ms:? \d+(?:\.\d+)?/g, "duration_ms …")
    .replace(/\b0x[0-9a-f]{6,}\b/gi, "0x…");
}

// `path/to/file.ext:12` or `:12:5`, as stack frames of every runtime write them; Python's
// `File "path", line 12` too.
const LOCATION = /(?:^|[\s("'[])((?:\.\.?\/)?[\w@+~.-]+(?:\/[\w@+~.-]+)*\.[A-Za-z][\w]*):(\d+)(?::(\d+))?/g;
const PYTHON_LOCATION = /File "([^"<>]+)", line (\d+)/g;

/** Locations in `text` that point into the tree (relative, not a dependency), in order, once each. */
export function findFrames(text: string): string[] {
  const found: { index: number; frame: string }[] = [];
  for (const match of text.matchAll(LOCATION)) {
    const [, path, line, column] = match;
    if (isTreePath(path!))
      found.push({ index: match.index, frame: `${path}:${line}${column ? `:${column}` : ""}` });
  }
  for (const match of text.matchAll(PYTHON_LOCATION)) {
    if (isTreePath(match[1]!)) found.push({ index: match.index, frame: `${match[1]}:${match[2]}` });
  }
  found.sort((a, b) => a.index - b.index);
  return [...new Set(found.map((entry) => entry.frame))];
}

/** The path part of a `path:line:col` frame. */
export function framePath(frame: string): string {
  return frame.replace(/(?::\d+){1,2}$/, "");
}

/** A relative path inside the tree that is not a dependency or a runtime internal. */
export function isTreePath(path: string): boolean {
  if (path.startsWith("/") || path.startsWith("../") || /^[a-z]+:/i.test(path)) return false;
  const clean = path.startsWith("./") ? path.slice(2) : path;
  return (
    !/(^|\/)(node_modules|site-packages|dist-packages|\.venv)\//.test(clean) && !clean.startsWith("internal/")
  );
}

/** The last `maxLines` lines of `text`, at most `maxChars` characters, marked when cut. */
export function tailOf(text: string, maxLines: number, maxChars: number): string {
  const lines = text.trimEnd().split("\n");
  let tail = lines.slice(-maxLines).join("\n");
  if (tail.length > maxChars) tail = tail.slice(tail.length - maxChars);
  return tail.length < text.trimEnd().length ? `[… earlier output left out]\n${tail}` : tail;
}

/** At most `maxLines` lines and `maxChars` characters of `text`, from the start, marked when cut. */
export function headOf(text: string, maxLines: number, maxChars: number): string {
  const lines = text.split("\n");
  let head = lines.slice(0, maxLines).join("\n");
  if (head.length > maxChars) head = head.slice(0, maxChars);
  return head.length < text.length ? `${head.trimEnd()}\n[… cut]` : head;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
