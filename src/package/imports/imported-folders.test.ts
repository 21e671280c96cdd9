import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { useTempFolder } from "../../../test/support/temp-folder.js";
import { listImportedFolders } from "./imported-folders.js";

const folder = useTempFolder("specprompt-imported-folders-");

describe("listImportedFolders", () => {
  test("lists path imports and what they import by path, skipping git imports and unreadable manifests", async () => {
    await folder.write({
      "app/specprompt.yaml": [
        "name: app",
        "version: 1.0.0",
        "imports:",
        "  style: { path: ../libs/style }",
        "  remote: { git: https://example.invalid/libs.git, ref: v1, path: libs/x }",
        "  broken: { path: ../libs/broken }",
        "  later: { path: ../libs/later }",
        "",
      ].join("\n"),
      "libs/style/specprompt.yaml":
        "name: style\nimports:\n  base: { path: ../base }\n  again: { path: ../style }\n",
      "libs/base/specprompt.yaml": "name: base\nimports:\n  app: { path: ../../app }\n",
      "libs/broken/specprompt.yaml": "imports: [unclosed\n",
    });
    const libs = join(folder.root, "libs");

    expect(listImportedFolders(join(folder.root, "app"))).toEqual([
      join(libs, "style"),
      join(libs, "base"),
      join(libs, "broken"),
      join(libs, "later"),
    ]);
    // A library that does not exist yet is listed, and then the watch skips it until it appears; a folder without a manifest imports nothing.
    expect(listImportedFolders(libs)).toEqual([]);
  });
});
