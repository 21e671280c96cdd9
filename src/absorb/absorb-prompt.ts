import { readFileSync } from "node:fs";
import { fileBlock } from "../build/assemble-prompt.js";
import type { LoadedPackage, LoadedUnit } from "../package/types.js";
import type { AmendableLayer } from "./amendment-tool.js";

/** One hand-edited file of the unit, as the prompt shows it. */
export interface HandEdit {
  /** Relative to out, as in the lock. */
  path: string;
  /** The unified diff: `a/` what the build wrote, `b/` the file now. */
  patch: string;
  /** The file now. */
  content: string;
}

export interface AbsorbPrompt {
  system: string;
  user: string;
}

const ABSORB_RULES = `You maintain a specification package. The package's source files are the source of truth; the code files are build output that a model generates from them, unit by unit.

A developer edited generated files of one unit by hand. Your job is to move the intent of that edit into the package source, so that the next build of the unit produces the edit by itself.

Rules:
- Change the source by calling the propose_amendment tool with a file's path, exactly as listed under "Amendable source files", and its complete new content. Call it once per file you change.
- Make the smallest change in the most specific place: a behaviour of this unit goes in the unit prompt; a rule every unit must follow goes in the generation guide; a requirement a test can check goes in the acceptance criteria (keep their id style, e.g. "- AC-4: ...").
- State the intent (the behaviour, the constraint), keeping the file's style. Spell out exact code only when the exact code is the point of the edit.
- Keep {{param}} placeholders as they are; the build fills them in.
- Never propose generated files, tests, the manifest, the lock or any other path: they are refused.
- When the amendment is proposed, reply with one sentence saying what you changed and why.`;

/**
 * The unit's amendable layers as they are on disk (unrendered, so `{{params}}` stay): core, guide,
 * criteria and the unit's prompt, those the package has.
 */
export function readAmendableLayers(pkg: LoadedPackage, unit: LoadedUnit): AmendableLayer[] {
  const layers: AmendableLayer[] = [];
  const add = (kind: AmendableLayer["kind"], path: string | undefined) => {
    if (path === undefined || layers.some((layer) => layer.path === path)) return;
    layers.push({ kind, path, content: readFileSync(`${pkg.dir}/${path}`, "utf8") });
  };
  add("core", pkg.core?.path);
  add("guide", pkg.guide?.path);
  add("criteria", pkg.criteria?.path);
  add("prompt", unit.prompt?.path);
  return layers;
}

const KIND_TITLE = {
  core: "core prompt: purpose, user stories, key behaviours",
  guide: "generation guide: architecture, stack, constraints",
  criteria: "acceptance criteria",
  prompt: "unit prompt",
} as const;

/** The exact text an absorb request sends for one unit. */
export function assembleAbsorbPrompt(
  pkg: LoadedPackage,
  unit: LoadedUnit,
  layers: readonly AmendableLayer[],
  edits: readonly HandEdit[],
): AbsorbPrompt {
  const sections = [
    `# Absorb a hand edit into ${pkg.manifest.name}@${pkg.manifest.version}, unit \`${unit.name}\``,
    `Unit \`${unit.name}\` owns (relative to the output root): ${unit.owns.map((glob) => `\`${glob}\``).join(", ")}`,
  ];
  const params = Object.entries(pkg.params);
  if (params.length > 0)
    sections.push(
      `The build replaces these placeholders: ${params.map(([name, value]) => `{{${name}}} = ${JSON.stringify(value)}`).join(", ")}.`,
    );
  sections.push(
    [
      "## Amendable source files",
      ...layers.map((layer) => fileBlock(`${layer.path} (${KIND_TITLE[layer.kind]})`, layer.content)),
    ].join("\n\n"),
  );
  sections.push(
    [
      "## The hand edit",
      "Each diff goes from what the build wrote (a/) to the file as the developer left it (b/).",
      ...edits.flatMap((edit) => [
        fileBlock(`${edit.path}: diff`, edit.patch),
        fileBlock(`${edit.path}: as edited`, edit.content),
      ]),
    ].join("\n\n"),
  );
  sections.push("Propose the amendment now with propose_amendment.");
  return { system: ABSORB_RULES, user: `${sections.join("\n\n")}\n` };
}
