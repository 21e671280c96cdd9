import { describe, expect, test } from "vitest";
import {
  type AmendableLayer,
  checkAmendmentCall,
  formatAmendmentPatch,
  MAX_LAYER_BYTES,
} from "./amendment-tool.js";

const LAYERS: AmendableLayer[] = [
  { kind: "core", path: "core.md", content: "# core\n" },
  { kind: "guide", path: "guide.md", content: "# guide\n" },
  { kind: "prompt", path: "units/b.md", content: "Write b.\n" },
];

const call = (input: unknown, name = "propose_amendment") => checkAmendmentCall(name, input, LAYERS);

describe("checkAmendmentCall", () => {
  test("accepts a listed layer with new content, normalising its spelling", () => {
    expect(call({ path: "./units//b.md", content: "Write b twice.\n" })).toEqual({
      ok: true,
      path: "units/b.md",
      content: "Write b twice.\n",
    });
  });

  test.each([
    "../x",
    "../pkg/core.md",
    "units/../../core.md",
    "/etc/passwd",
    "C:/core.md",
    "units\\b.md",
    "~/core.md",
    "specprompt.lock",
    "specprompt.yaml",
    "src/b.js",
    "test/chain.test.js",
    ".specprompt/cache/x.json",
    "units",
    ".",
  ])("refuses %s, which is not an amendable layer", (path) => {
    const result = call({ path, content: "x\n" });
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.message).toMatch(
      /^refused: .*propose only core\.md, guide\.md, units\/b\.md$/,
    );
  });

  test("refuses input that is not { path, content } with strings", () => {
    for (const input of [
      null,
      "units/b.md",
      [],
      {},
      { path: "units/b.md" },
      { path: 3, content: "x" },
      { content: "x" },
    ])
      expect(call(input).ok).toBe(false);
  });

  test("refuses another tool, an emptied layer and an oversized one", () => {
    expect(call({ path: "core.md", content: "x" }, "write_file")).toMatchObject({
      ok: false,
      message: expect.stringContaining("unknown tool"),
    });
    expect(call({ path: "core.md", content: " \n" })).toMatchObject({
      ok: false,
      message: expect.stringContaining("emptied"),
    });
    expect(call({ path: "core.md", content: "x".repeat(MAX_LAYER_BYTES + 1) })).toMatchObject({
      ok: false,
      message: expect.stringContaining("exceed"),
    });
  });
});

describe("formatAmendmentPatch", () => {
  test("diffs each changed layer against its content now, in layer order, skipping unchanged ones", () => {
    const proposed = new Map([
      ["units/b.md", "Write b.\nDouble it.\n"],
      ["core.md", "# core\n"],
    ]);
    expect(formatAmendmentPatch(LAYERS, proposed)).toBe(
      ["--- a/units/b.md", "+++ b/units/b.md", "@@ -1,1 +1,2 @@", " Write b.", "+Double it.", ""].join("\n"),
    );
  });
});
