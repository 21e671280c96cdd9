import { z } from "zod";
import { IMPORT_KINDS, importAliasPattern } from "./import-kinds.js";

/** One entry of `imports:`: a library by relative path, or by git URL at a tag or commit. */
export const importSchema = z
  .strictObject({
    path: z
      .string()
      .min(1, "must not be empty")
      .optional()
      .describe(
        "Without git: the library's folder, relative to this manifest. With git: the library's folder inside the repository.",
      ),
    git: z
      .string()
      .min(1, "must not be empty")
      .optional()
      .describe(
        "Git URL (https, ssh, file://, or a local path relative to this manifest) of the repository.",
      ),
    ref: z
      .string()
      .min(1, "must not be empty")
      .optional()
      .describe("With git: the tag or commit to take; the commit it resolves to is pinned."),
    use: z
      .array(z.enum(IMPORT_KINDS))
      .min(1, "list at least one of guide, context, criteria, partials")
      .optional()
      .describe("Which layers to take (default: every layer the library has)."),
    sections: z
      .array(z.string().min(1, "must not be empty"))
      .min(1, "list at least one section title")
      .optional()
      .describe("Take only these ## or ### sections (by title) of the library's guide."),
  })
  .describe("A prompt library: a package whose layers this package takes.");

export const importsSchema = z
  .record(
    z.string().regex(importAliasPattern, "use lowercase letters, digits and '-' (it is written @alias/...)"),
    importSchema,
  )
  .describe("Prompt libraries: layers taken from other packages by relative path or git URL.");

export type ImportSpec = z.output<typeof importSchema>;
