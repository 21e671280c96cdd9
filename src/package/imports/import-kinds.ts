// Kept apart from the zod schema: loading a package must not load zod (see manifest-cache.ts).

/** The layers a library gives: its guide, context documents, criteria, and files for template partials. */
export const IMPORT_KINDS = ["guide", "context", "criteria", "partials"] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** How an import is named in `{{> @alias/file.md}}`, in the lock and in prompt titles. */
export const importAliasPattern = /^[a-z0-9][a-z0-9-]*$/;

/** How an imported layer's path starts: `@ts-style/`, `@ts-style/@base/` for a nested import. */
export function importPrefix(alias: string): string {
  return `@${alias.split("/").join("/@")}/`;
}
