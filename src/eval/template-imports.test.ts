import { symlink } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rejectionOf } from "../../test/support/rejection-of.js";
import { useTempFolder } from "../../test/support/temp-folder.js";
import { loadPromptPackage } from "./load-prompt-package.js";

const folder = useTempFolder("specprompt-partials-");
const writeFiles = (files: Record<string, string>) => folder.write(files);

const bot = (template: string, imports = "  tone: { path: ../libs/tone }\n") => ({
  "bot/specprompt.yaml": `name: bot\nversion: 1.0.0\nkind: prompt\ntemplate: prompt.md\nmodel: openai:gpt-4o-mini\nparams: { company: Acme }\nimports:\n${imports}`,
  "bot/prompt.md": template,
});

const toneLibrary = {
  "libs/tone/specprompt.yaml":
    "name: tone\nversion: 1.0.0\nkind: library\nguide: guide.md\nimports:\n  safety: { path: ../safety }\n",
  "libs/tone/guide.md": "Never used by a prompt package.\n",
  "libs/tone/parts/friendly.md": "Be friendly to {{company}}'s customers.\n{{> ../shared/sign-off.md}}\n",
  "libs/tone/shared/sign-off.md": "Sign as {{company}}.\n",
  "libs/tone/parts/with-safety.md": "{{> @safety/rules.md}}\n",
  "libs/safety/specprompt.yaml": "name: safety\nversion: 1.0.0\nkind: library\n",
  "libs/safety/rules.md": "Refuse harmful requests.\n",
};

function load() {
  return loadPromptPackage("bot", { cwd: folder.root, env: {} });
}

describe("template partials from imported libraries", () => {
  it("includes {{> @alias/path}} from the library, relative to the library's folder inside it", async () => {
    await writeFiles({
      ...bot("[system]\n{{> @tone/parts/friendly.md}}\n[user]\n{{question}}\n"),
      ...toneLibrary,
    });
    const pkg = await load();
    expect(pkg.template.render({ question: "Hi" })).toEqual([
      { role: "system", content: "Be friendly to Acme's customers.\nSign as Acme." },
      { role: "user", content: "Hi" },
    ]);
  });

  it("resolves @alias/ inside a library's partial against that library's own imports", async () => {
    await writeFiles({ ...bot("{{> @tone/parts/with-safety.md}}\n"), ...toneLibrary });
    const pkg = await load();
    expect(pkg.template.render({})[0]?.content).toBe("Refuse harmful requests.");
  });

  it("changes the template hash when an imported partial changes", async () => {
    await writeFiles({ ...bot("{{> @tone/parts/friendly.md}}\n"), ...toneLibrary });
    const before = (await load()).template.hash;
    await writeFiles({ "libs/tone/shared/sign-off.md": "Sign as the {{company}} team.\n" });
    expect((await load()).template.hash).not.toBe(before);
  });

  it("keeps a library's partial inside the library's folder", async () => {
    await writeFiles({
      ...bot("{{> @tone/../../bot/prompt.md}}\n"),
      ...toneLibrary,
    });
    const error = await rejectionOf(load());
    expect(error.code).toBe("E_TEMPLATE");
    expect(error.message).toBe(
      "partial '../../bot/prompt.md' points outside the package folder (in the library imported as tone)",
    );
    expect(error.location).toEqual({ file: "bot/prompt.md", line: 1, column: 1 });
  });

  it("refuses a symbolic link out of the library", async () => {
    await writeFiles({ ...bot("{{> @tone/parts/link.md}}\n"), ...toneLibrary, "secret.md": "secret\n" });
    await symlink(join(folder.root, "secret.md"), join(folder.root, "libs/tone/parts/link.md"));
    const error = await rejectionOf(load());
    expect(error.message).toBe(
      "partial parts/link.md is a link to a file outside the package folder (in the library imported as tone)",
    );
  });

  it("refuses partials that include each other across a library, naming the chain", async () => {
    await writeFiles({
      ...bot("{{> @tone/parts/a.md}}\n"),
      ...toneLibrary,
      "libs/tone/parts/a.md": "{{> b.md}}\n",
      "libs/tone/parts/b.md": "{{> a.md}}\n",
    });
    const error = await rejectionOf(load());
    expect(error.message).toBe(
      "partials include each other: @tone/parts/a.md → @tone/parts/b.md → @tone/parts/a.md",
    );
    expect(error.location?.file).toBe("libs/tone/parts/b.md");
  });

  it("says which imports give partials when the alias is unknown", async () => {
    await writeFiles({ ...bot("{{> @tones/parts/friendly.md}}\n"), ...toneLibrary });
    const error = await rejectionOf(load());
    expect(error.message).toBe("partial @tones/parts/friendly.md: no import named tones gives partials");
    expect(error.hint).toBe("imports giving partials: tone");
  });

  it("gives no partials from an import whose use: leaves them out", async () => {
    await writeFiles({
      ...bot("{{> @tone/parts/friendly.md}}\n", "  tone: { path: ../libs/tone, use: [guide] }\n"),
      ...toneLibrary,
    });
    const error = await rejectionOf(load());
    expect(error.message).toBe("partial @tone/parts/friendly.md: no import named tone gives partials");
  });
});
