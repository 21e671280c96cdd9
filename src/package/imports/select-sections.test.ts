import { describe, expect, it } from "vitest";
import { listSectionTitles, selectSections } from "./select-sections.js";

const guide = [
  "# Guide",
  "",
  "## Naming",
  "",
  "camelCase.",
  "",
  "```md",
  "## Not a heading",
  "```",
  "",
  "### Files",
  "",
  "kebab-case.",
  "",
  "## Errors",
  "",
  "Throw.",
  "",
].join("\n");

describe("selectSections", () => {
  it("keeps a ## section's ### subsections and ignores headings inside code fences", () => {
    expect(selectSections(guide, ["Naming"])).toMatchObject({
      text: "## Naming\n\ncamelCase.\n\n```md\n## Not a heading\n```\n\n### Files\n\nkebab-case.\n",
      missing: [],
    });
  });

  it("takes a section once when its parent is taken too", () => {
    expect(selectSections(guide, ["Files", "Naming"]).text.match(/### Files/g)).toHaveLength(1);
  });

  it("takes a ### section alone, up to the next heading of its level or above", () => {
    expect(selectSections(guide, ["Files"]).text).toBe("### Files\n\nkebab-case.\n");
  });

  it("lists the titles it did not find", () => {
    expect(selectSections(guide, ["Errors", "Tests"]).missing).toEqual(["Tests"]);
    expect(listSectionTitles(guide)).toEqual(["Naming", "Files", "Errors"]);
  });
});
