import type { Layer } from "../package/types.js";
import { fileBlock, type NeededFile } from "./assemble-prompt.js";

/** What a refinement request says besides the unit's original prompt. */
export interface RefinementInput {
  unit: string;
  /** The attempt that failed (1 for the first generation) and the bound. */
  attempt: number;
  maxIterations: number;
  command: string;
  /** `formatFailureReport` of the failed run. */
  failures: string;
  criteria?: Layer;
  /** Criteria the package's imports give (`@alias/...`), after its own. */
  importedCriteria?: Layer[];
  /** Current files of the units concerned: this unit's, then the others'. */
  files: NeededFile[];
  /** Other units sent back in the same round. */
  others: string[];
  mode: "chat" | "agent";
}

/**
 * The follow-up message of a refinement round: it comes after the unit's original system and user
 * messages, so the model has the whole package, and says what failed, what the criteria are and
 * what the files are now. The same function serves chat models and `cmd:` agents.
 */
export function assembleRefinement(input: RefinementInput): string {
  const sections = [
    [
      `## Validation failed (attempt ${input.attempt} of ${input.maxIterations})`,
      `The files were checked with \`${input.command}\` in a copy of the output tree, with the validation tests in place, and the check failed:`,
      input.failures.trim(),
    ].join("\n\n"),
  ];
  for (const criteria of [input.criteria, ...(input.importedCriteria ?? [])]) {
    if (criteria) sections.push(`## Acceptance criteria (${criteria.path})\n\n${criteria.content.trim()}`);
  }
  if (input.files.length > 0) {
    sections.push(
      [
        "## Current files",
        ...input.files.map((file) =>
          fileBlock(
            `${file.path} (unit ${file.unit}${file.unit === input.unit ? ", yours" : ""})`,
            file.content,
          ),
        ),
      ].join("\n\n"),
    );
  }
  const together =
    input.others.length > 0
      ? ` Unit${input.others.length === 1 ? "" : "s"} ${input.others.join(", ")} ${input.others.length === 1 ? "is" : "are"} sent the same report at the same time; change only your own files.`
      : "";
  sections.push(
    [
      `## Your fix: unit \`${input.unit}\``,
      input.mode === "chat"
        ? `Find the cause of these failures in the files of unit \`${input.unit}\` and fix it. Call write_file with the complete new content of every file you change; a file you do not write keeps its current content. Never write tests or paths outside the unit's owned paths.${together} When done, reply with one short sentence and no further tool calls.`
        : `Find the cause of these failures in the files of unit \`${input.unit}\` and fix it: the working directory holds the current files. Change only the unit's owned paths, never the tests.${together} Leave every file of the unit complete and working when you exit.`,
    ].join("\n\n"),
  );
  return `${sections.join("\n\n")}\n`;
}
