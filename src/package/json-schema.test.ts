import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { manifestJsonSchema } from "./json-schema.js";

const committedPath = fileURLToPath(new URL("../../schema/specprompt.schema.json", import.meta.url));

describe("manifestJsonSchema", () => {
  it("matches the committed schema/specprompt.schema.json", async () => {
    const generated = `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`;
    if (process.env.UPDATE_SCHEMA === "1") await writeFile(committedPath, generated);
    const committed = await readFile(committedPath, "utf8").catch(() => "");
    expect(
      committed,
      "schema/specprompt.schema.json is out of date; run `UPDATE_SCHEMA=1 npx vitest run src/package/json-schema.test.ts`",
    ).toBe(generated);
  });

  it("rejects unknown keys and does not require fields that have defaults", () => {
    const schema = manifestJsonSchema() as { additionalProperties: boolean; required: string[] };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(["name", "version"]));
    expect(schema.required).not.toContain("out");
    expect(schema.required).not.toContain("kind");
  });
});
