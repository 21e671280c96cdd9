import { z } from "zod";
import { manifestSchema } from "./manifest-schema.js";

/** Where the published schema lives; editors fetch it from here. */
export const MANIFEST_SCHEMA_ID = "https://unpkg.com/specprompt/schema/specprompt.schema.json";

/**
 * The JSON Schema of specprompt.yaml, generated from the zod schema (input side: defaults are
 * optional). Editors use it through `# yaml-language-server: $schema=<url>` or a `$schema:` key.
 */
export function manifestJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(manifestSchema, { io: "input" });
  return { $schema, $id: MANIFEST_SCHEMA_ID, title: "specprompt.yaml", ...rest };
}
