import { readFileSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { glob } from "tinyglobby";
import { SpecPromptError } from "../errors.js";
import { sha256 } from "../util/hash.js";
import { fileStamp, isWarmProcess } from "../util/warm-process.js";
import { normalizeLayerPath } from "./contained-path.js";
import { formatIssuePath, type IssuePath } from "./describe-schema-issues.js";
import type { ParsedManifest } from "./parse-manifest.js";
import { renderParams } from "./render-params.js";
import type { Layer, LayerKind } from "./types.js";

/** What reading a layer needs to know: where the package is, its params, and how to point at the manifest. */
export interface LayerSource {
  /** Absolute package folder. */
  dir: string;
  /** Folder that paths in messages are relative to. */
  cwd: string;
  manifestDisplay: string;
  params: Record<string, string>;
  locate: ParsedManifest["locate"];
}

// Layers are small and a command needs all of them before it can do anything: reading them
// synchronously is 3-4x faster than through the thread pool (measured with 1,000 unit prompts).
function readText(path: string): string {
  return readFileSync(path, "utf8");
}

const ignoredFolders = ["**/node_modules/**", "**/.git/**", "**/.specprompt/**"];

/** Reads one Markdown layer named at `field` of the manifest and renders its params; E_LAYER when it is missing. */
export async function readLayer(
  source: LayerSource,
  kind: LayerKind,
  path: string,
  field: IssuePath,
): Promise<Layer> {
  // Manifest paths were checked to stay inside the package, so normalising is enough here.
  const rel = normalizeLayerPath(path);
  const absolute = `${source.dir}/${rel}`;
  const known = rememberedLayer(absolute, source.params);
  if (known) return { kind, path: rel, content: known.content, hash: known.hash };
  let text: string;
  try {
    text = readText(absolute);
  } catch (caught) {
    const error = caught as NodeJS.ErrnoException;
    const problem =
      error.code === "ENOENT" ? "does not exist" : error.code === "EISDIR" ? "is a folder" : "cannot be read";
    throw new SpecPromptError("E_LAYER", `${formatIssuePath(field)}: ${path} ${problem}`, {
      cause: error,
      location: { file: source.manifestDisplay, ...source.locate(field) },
      hint: `create ${displayPath(source.cwd, absolute)} or change ${formatIssuePath(field)} in the manifest`,
    });
  }
  const normalized = normalizeText(text);
  const content = normalized.includes("{{")
    ? renderParams(normalized, source.params, displayPath(source.cwd, absolute))
    : normalized;
  const layer: Layer = { kind, path: rel, content, hash: sha256(content) };
  rememberLayer(absolute, source.params, layer);
  return layer;
}

/**
 * Layers read earlier in this process, by file and params, trusted while the file's size, mtime,
 * ctime and inode are as they were: a long-running process (`build --watch`, `specprompt daemon`,
 * a library user) reads and hashes again only the files that changed, the way git's index skips
 * unchanged files. A file changed within RACY_MS of being read is not remembered, since a second
 * change in the same clock tick would not show in its stat.
 */
interface RememberedLayer {
  stat: string;
  params: Record<string, string>;
  content: string;
  hash: string;
}

const remembered = new Map<string, RememberedLayer>();
const RACY_MS = 2000;
const MAX_REMEMBERED = 50_000;

function statKey(path: string): { key: string; mtimeMs: number } | undefined {
  const info = statSync(path, { throwIfNoEntry: false });
  return info && { key: fileStamp(info)!, mtimeMs: info.mtimeMs };
}

function rememberedLayer(path: string, params: Record<string, string>): RememberedLayer | undefined {
  if (!isWarmProcess()) return undefined;
  const entry = remembered.get(path);
  if (!entry || (entry.params !== params && !sameParams(entry.params, params))) return undefined;
  return statKey(path)?.key === entry.stat ? entry : undefined;
}

function rememberLayer(path: string, params: Record<string, string>, layer: Layer): void {
  if (!isWarmProcess()) return;
  const stat = statKey(path);
  if (!stat || Date.now() - stat.mtimeMs < RACY_MS) return;
  if (remembered.size >= MAX_REMEMBERED) remembered.clear();
  remembered.set(path, { stat: stat.key, params, content: layer.content, hash: layer.hash });
}

function sameParams(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

/** Context documents: globs expanded in the package folder, sorted, rendered; `exclude` drops other layers' files. */
export async function readContextLayers(
  source: LayerSource,
  patterns: string | string[],
  exclude: ReadonlySet<string>,
): Promise<{ layers: Layer[]; warnings: string[] }> {
  const { files, warnings } = await expandGlobs(source, patterns, source.dir, ["context"]);
  const layers = await Promise.all(
    files.filter((file) => !exclude.has(file)).map((file) => readLayer(source, "context", file, ["context"])),
  );
  return { layers, warnings };
}

/**
 * Files of the output tree (validation tests, hand-written files): globs expanded in `outDir`, read
 * as they are (they are code, so never rendered).
 */
export async function readTestLayers(
  source: LayerSource,
  patterns: string | string[],
  outDir: string,
  kind: "test" | "handwritten" = "test",
): Promise<{ layers: Layer[]; warnings: string[] }> {
  const field = kind === "test" ? ["validation", "tests"] : ["handwritten"];
  const { files, warnings } = await expandGlobs(source, patterns, outDir, field);
  const layers = await Promise.all(
    files.map(async (file): Promise<Layer> => {
      const content = readText(resolve(outDir, file));
      return { kind, path: file, content, hash: sha256(content) };
    }),
  );
  return { layers, warnings };
}

/** `path` relative to `cwd` for messages, or absolute when there is no relative form. */
export function displayPath(cwd: string, path: string): string {
  const shown = relative(cwd, path);
  if (shown === "") return ".";
  return isAbsolute(shown) ? path : shown;
}

/** Globs expanded in `cwd` (`!` patterns exclude), sorted; a pattern that matches nothing is a warning at its manifest position. */
export async function expandGlobs(
  source: LayerSource,
  patterns: string | string[],
  cwd: string,
  field: IssuePath,
): Promise<{ files: string[]; warnings: string[] }> {
  const list = typeof patterns === "string" ? [patterns] : patterns;
  const ignore = [...ignoredFolders, ...list.filter((p) => p.startsWith("!")).map((p) => p.slice(1))];
  const positives = list.flatMap((pattern, i) => (pattern.startsWith("!") ? [] : [{ pattern, i }]));
  const matches = await Promise.all(
    positives.map(({ pattern }) => glob(pattern, { cwd, ignore, onlyFiles: true })),
  );
  const warnings: string[] = [];
  positives.forEach(({ pattern, i }, n) => {
    if (matches[n]!.length > 0) return;
    const at = source.locate(typeof patterns === "string" ? field : [...field, i]);
    const where = at ? `${source.manifestDisplay}:${at.line}:${at.column}` : source.manifestDisplay;
    warnings.push(`${where}: ${formatIssuePath(field)}: '${pattern}' matches no files`);
  });
  return { files: [...new Set(matches.flat())].sort(), warnings };
}

/** A BOM or Windows line endings must not change what the model sees or the hash. */
export function normalizeText(text: string): string {
  const unmarked = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return unmarked.includes("\r\n") ? unmarked.replaceAll("\r\n", "\n") : unmarked;
}
