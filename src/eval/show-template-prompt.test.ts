import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rejectionOf } from "../../test/support/rejection-of.js";
import { UsageError } from "../errors.js";
import { parseVarFlags, showTemplatePrompt } from "./show-template-prompt.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "specprompt-show-"));
  await mkdir(join(root, "pkg"));
  await writeFile(
    join(root, "pkg/specprompt.yaml"),
    "name: bot\nversion: 0.1.0\nkind: prompt\ntemplate: t.md\nmodel: openai:m\nparams: { tone: calm }\n",
  );
  await writeFile(join(root, "pkg/t.md"), "{{tone}}: {{q}} ({{user.name}})");
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("showTemplatePrompt", () => {
  it("layers the vars: params, then the vars file, then the flags", async () => {
    await writeFile(join(root, "vars.yaml"), "q: from file\nuser: { name: Ada }\ntone: warm\n");
    const view = await showTemplatePrompt({
      dir: "pkg",
      cwd: root,
      env: {},
      varsFile: "vars.yaml",
      vars: { q: "flag" },
    });
    expect(view).toEqual({
      model: "openai:m",
      params: {},
      messages: [{ role: "user", content: "warm: flag (Ada)" }],
    });
  });

  it("refuses a vars file that is missing or not a map", async () => {
    const missing = await rejectionOf(
      showTemplatePrompt({ dir: "pkg", cwd: root, env: {}, varsFile: "none.json" }),
    );
    expect(missing.code).toBe("E_USAGE");
    expect(missing.message).toMatch(/^--vars-file none\.json: /);
    await writeFile(join(root, "list.json"), "[1, 2]");
    const list = await rejectionOf(
      showTemplatePrompt({ dir: "pkg", cwd: root, env: {}, varsFile: "list.json" }),
    );
    expect(list.message).toBe("--vars-file list.json: expected a map of variables");
  });
});

describe("parseVarFlags", () => {
  it("splits on the first '=' and lets the last value of a name win", () => {
    expect(parseVarFlags(["q=a=b", "user.name=Ada", "q=c", "empty="])).toEqual({
      q: "c",
      "user.name": "Ada",
      empty: "",
    });
  });

  it.each(["q", "=x", "1a=2"])("refuses '%s' as a usage error", (flag) => {
    expect(() => parseVarFlags([flag])).toThrow(UsageError);
  });
});
