import { describe, expect, it } from "vitest";
import { colorizePatch } from "./color-patch.js";

describe("colorizePatch", () => {
  it("colours headers, hunks, removed and added lines, and leaves context and the final newline alone", () => {
    const patch = "--- a/x.js\n+++ b/x.js\n@@ -1,2 +1,2 @@\n same\n-old\n+new\n";
    expect(colorizePatch(patch)).toBe(
      [
        "\x1b[1m--- a/x.js\x1b[0m",
        "\x1b[1m+++ b/x.js\x1b[0m",
        "\x1b[36m@@ -1,2 +1,2 @@\x1b[0m",
        " same",
        "\x1b[31m-old\x1b[0m",
        "\x1b[32m+new\x1b[0m",
        "",
      ].join("\n"),
    );
  });
});
