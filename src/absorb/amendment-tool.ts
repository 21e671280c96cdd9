import { posix } from "node:path";
import { FILE_HEADERS_ONLY, formatPatch, structuredPatch } from "diff";
import type { ToolSpec } from "../providers/types.js";

/** The one tool a model proposes an amendment with. */
export const PROPOSE_AMENDMENT_TOOL: ToolSpec = {
  name: "propose_amendment",
  description:
    "Replace one source file of the package (a layer listed as amendable) with its complete new content. Call it once per file you change.",
  inputSchema: {
    type: "object",
    properties: {
      path: {
        type: "string",
        description: "The file's path relative to the package folder, exactly as listed.",
      },
      content: { type: "string", description: "The complete new content of the file." },
    },
    required: ["path", "content"],
    additionalProperties: false,
  },
};

/** A layer file the model may rewrite: its path relative to the package and its text on disk (unrendered). */
export interface AmendableLayer {
  kind: "core" | "guide" | "criteria" | "prompt";
  path: string;
  content: string;
}

/** Largest content one call may propose; a layer is prose, not a data dump. */
export const MAX_LAYER_BYTES = 256 * 1024;

export type AmendmentCheck = { ok: true; path: string; content: string } | { ok: false; message: string };

/**
 * Check one propose_amendment call. The model is untrusted: the path must be, after
 * normalisation, exactly one of the amendable layer files (never an output, a test, the manifest,
 * the lock or anything outside the package), and the content a non-empty string.
 */
export function checkAmendmentCall(
  name: string,
  input: unknown,
  layers: readonly AmendableLayer[],
): AmendmentCheck {
  const allowed = layers.map((layer) => layer.path).join(", ");
  if (name !== PROPOSE_AMENDMENT_TOOL.name)
    return { ok: false, message: `unknown tool ${name}; the only tool is propose_amendment` };
  if (typeof input !== "object" || input === null || Array.isArray(input))
    return { ok: false, message: "propose_amendment takes a JSON object { path, content }" };
  const { path, content } = input as { path?: unknown; content?: unknown };
  if (typeof path !== "string" || path === "")
    return { ok: false, message: "propose_amendment needs path as a non-empty string" };
  if (typeof content !== "string")
    return { ok: false, message: "propose_amendment needs content as a string" };
  const clean = cleanPath(path);
  const layer = clean === undefined ? undefined : layers.find((candidate) => candidate.path === clean);
  if (!layer)
    return {
      ok: false,
      message: `refused: ${JSON.stringify(path)} is not an amendable source file of this package; propose only ${allowed}`,
    };
  if (content.trim() === "")
    return { ok: false, message: `refused: ${layer.path} would be emptied; send its complete new content` };
  if (Buffer.byteLength(content) > MAX_LAYER_BYTES)
    return { ok: false, message: `refused: ${layer.path} would exceed ${MAX_LAYER_BYTES} bytes` };
  return { ok: true, path: layer.path, content };
}

/** `./units//a.md` → `units/a.md`; undefined for absolute, backslashed, `~` or climbing paths. */
function cleanPath(path: string): string | undefined {
  if (path.includes("\\") || path.includes("\0") || path.startsWith("/") || path.startsWith("~"))
    return undefined;
  if (/^[A-Za-z]:/.test(path)) return undefined;
  const normalized = posix.normalize(path);
  if (normalized === ".." || normalized.startsWith("../") || normalized === ".") return undefined;
  return normalized;
}

/** The amendment as one unified diff of the package source: `a/` the file now, `b/` as proposed. */
export function formatAmendmentPatch(
  layers: readonly AmendableLayer[],
  proposed: ReadonlyMap<string, string>,
): string {
  return layers
    .filter((layer) => proposed.has(layer.path) && proposed.get(layer.path) !== layer.content)
    .map((layer) =>
      formatPatch(
        structuredPatch(
          `a/${layer.path}`,
          `b/${layer.path}`,
          layer.content,
          proposed.get(layer.path)!,
          undefined,
          undefined,
          { context: 3 },
        ),
        FILE_HEADERS_ONLY,
      ),
    )
    .join("");
}
