import type { Layer, LoadedPackage, LoadedUnit } from "../package/types.js";
import type { ToolSpec } from "../providers/types.js";

/**
 * Version of the text below. It is an input of every unit: changing how prompts are assembled
 * must regenerate, or a lock would claim outputs that today's prompt would not produce.
 */
export const PROMPT_FORMAT_VERSION = "1";

/** The one tool a chat model writes files with. */
export const WRITE_FILE_TOOL: ToolSpec = {
  name: "write_file",
  description:
    "Create or replace one file of the output tree with its complete content. Call it once per file.",
  inputSchema: {
    type: "object",
    properties: {
      path: { type: "string", description: "Path relative to the output root, with forward slashes." },
      content: { type: "string", description: "The complete file content." },
    },
    required: ["path", "content"],
    additionalProperties: false,
  },
};

/** A current file of a unit this one needs. */
export interface NeededFile {
  unit: string;
  path: string;
  content: string;
}

export interface AssembledPrompt {
  system: string;
  user: string;
}

const CHAT_RULES = `You are a code generator driven by a specification package. The package is the source of truth; the files you write are its build output.

Rules:
- Write each file of your unit by calling the write_file tool with its path (relative to the output root) and its complete content. Never send partial files or diffs.
- Write only paths your unit owns. Any other write is refused and reported back to you.
- Validation tests are hand-written and read-only: make them pass; never write them.
- Files of your unit that you do not write in this response are removed, so write every file the unit needs.
- When every file is written, reply with one short sentence and no further tool calls.`;

const AGENT_RULES = `You are a coding agent driven by a specification package. The package is the source of truth; the files you create are its build output.

Rules:
- Your working directory is a copy of the output tree. Create or edit files there.
- Change only paths your unit owns; changes anywhere else are discarded.
- Validation tests are hand-written and read-only: make them pass; never edit them.
- Leave every file of your unit complete and working when you exit.`;

/** The exact text a unit sends: the same function serves `build` and `specprompt prompt`. */
export function assemblePrompt(
  pkg: LoadedPackage,
  unit: LoadedUnit,
  neededFiles: NeededFile[],
  mode: "chat" | "agent" = "chat",
): AssembledPrompt {
  const sections: string[] = [`# Package ${pkg.manifest.name}@${pkg.manifest.version}`];
  if (pkg.core) sections.push(layerSection("Core prompt", pkg.core));
  // Imported layers (`@alias/path`) follow the package's own, in the section of their kind.
  const context = pkg.imports ? [...pkg.context, ...pkg.imports.context] : pkg.context;
  if (context.length > 0) {
    sections.push(
      [
        "## Context documents",
        ...context.map((layer) => `### ${layer.path}\n\n${layer.content.trim()}`),
      ].join("\n\n"),
    );
  }
  if (pkg.guide) sections.push(layerSection("Generation guide", pkg.guide));
  for (const layer of pkg.imports?.guide ?? []) sections.push(layerSection("Generation guide", layer));
  if (pkg.criteria) sections.push(layerSection("Acceptance criteria", pkg.criteria));
  for (const layer of pkg.imports?.criteria ?? []) sections.push(layerSection("Acceptance criteria", layer));
  if (pkg.tests.length > 0) {
    sections.push(
      [
        "## Validation tests (read-only)",
        `These hand-written tests check the output${pkg.validation.command ? ` with \`${pkg.validation.command}\`` : ""}. Make them pass; never write them.`,
        ...pkg.tests.map((layer) => fileBlock(layer.path, layer.content)),
      ].join("\n\n"),
    );
  }
  if (pkg.handwritten.length > 0) {
    sections.push(
      [
        "## Hand-written files (read-only)",
        "These files of the output tree are written by hand. Use them as they are; never write them.",
        ...pkg.handwritten.map((layer) => fileBlock(layer.path, layer.content)),
      ].join("\n\n"),
    );
  }
  if (neededFiles.length > 0) {
    sections.push(
      [
        "## Current files of the units this one needs",
        ...neededFiles.map((file) => fileBlock(`${file.path} (unit ${file.unit})`, file.content)),
      ].join("\n\n"),
    );
  }
  sections.push(unitSection(unit, mode));
  return { system: mode === "chat" ? CHAT_RULES : AGENT_RULES, user: `${sections.join("\n\n")}\n` };
}

function layerSection(title: string, layer: Layer): string {
  return `## ${title} (${layer.path})\n\n${layer.content.trim()}`;
}

function unitSection(unit: LoadedUnit, mode: "chat" | "agent"): string {
  const lines = [
    `## Your task: unit \`${unit.name}\``,
    `Owned paths (relative to the output root): ${unit.owns.map((glob) => `\`${glob}\``).join(", ")}`,
  ];
  if (unit.prompt) lines.push(unit.prompt.content.trim());
  else lines.push("Generate the whole program the package describes.");
  lines.push(
    mode === "chat"
      ? "Write every file of this unit now with write_file."
      : "Create or update every file of this unit now, then exit.",
  );
  return lines.join("\n\n");
}

/** A file in a fence longer than any backtick run inside it, so content can never close it early. */
export function fileBlock(title: string, content: string): string {
  const longest = Math.max(2, ...[...content.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = "`".repeat(longest + 1);
  return `### ${title}\n\n${fence}\n${content.endsWith("\n") ? content : `${content}\n`}${fence}`;
}
