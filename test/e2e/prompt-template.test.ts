import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { createTempRoot, removeTempRoots, writeText } from "../support/make-package.js";
import { parseJsonOutput, runCli } from "../support/run-cli.js";

afterAll(removeTempRoots);

/** A `kind: prompt` package with a chat template, a partial and a param. */
async function makePromptPackage(manifestExtra = ""): Promise<{ root: string; dir: string }> {
  const root = await createTempRoot();
  const dir = join(root, "support-bot");
  const files: Record<string, string> = {
    "specprompt.yaml": [
      "name: support-bot",
      "version: 1.0.0",
      "kind: prompt",
      "template: prompt.md",
      "model: openai:gpt-4o-mini",
      "modelParams: { temperature: 0 }",
      "params: { company: Acme }",
      "evals: [evals/*.yaml]",
      manifestExtra,
    ].join("\n"),
    "prompt.md": "[system]\n{{> parts/rules.md}}\n\n[user]\n{{user.name}} asks: {{question}}\n",
    "parts/rules.md": "You answer for {{company}}. Be brief.\n",
    "evals/basic.yaml": "- vars: { question: Hi, user: { name: Ada } }\n",
  };
  for (const [path, text] of Object.entries(files)) await writeText(join(dir, path), text);
  return { root, dir };
}

describe("specprompt prompt for a kind: prompt package", () => {
  test("renders the template's messages from --vars, a vars file and the manifest params", async () => {
    const { root } = await makePromptPackage();
    await writeText(join(root, "user.json"), '{"user": {"name": "Ada"}, "question": "from the file"}');

    const text = await runCli(
      ["prompt", "support-bot", "--vars-file", "user.json", "--vars", "question=Where is my order?"],
      { cwd: root },
    );

    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toBe(
      [
        '# openai:gpt-4o-mini {"temperature":0}',
        "",
        "===== system =====",
        "You answer for Acme. Be brief.",
        "",
        "===== user =====",
        "Ada asks: Where is my order?",
        "",
      ].join("\n"),
    );
  });

  test("prints { model, params, messages } with --json, with --set and --model applied", async () => {
    const { root } = await makePromptPackage();

    const result = await runCli(
      [
        "prompt",
        "support-bot",
        "--json",
        "--vars",
        "question=Hi",
        "--vars",
        "user.name=Bob",
        "--set",
        "company=Globex",
        "--model",
        "anthropic:claude-haiku-4-5",
      ],
      { cwd: root },
    );

    expect(result.code, result.stderr).toBe(0);
    expect(parseJsonOutput(result)).toEqual({
      model: "anthropic:claude-haiku-4-5",
      params: { temperature: 0 },
      messages: [
        { role: "system", content: "You answer for Globex. Be brief." },
        { role: "user", content: "Bob asks: Hi" },
      ],
    });
  });

  test("names a missing variable with the template's file and line, exit 2, never a blank", async () => {
    const { root } = await makePromptPackage();

    const result = await runCli(["prompt", "support-bot", "--vars", "question=Hi"], { cwd: root });

    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `specprompt prompt: ${join("support-bot", "prompt.md")}:5:1: missing variable 'user.name'\n` +
        "  hint: set user.name in the case's vars or under params: in specprompt.yaml (or pass --vars user.name=<value>); vars given: question, company\n",
    );
  });

  test("refuses --unit for a runtime prompt and --vars for a code package", async () => {
    const { root } = await makePromptPackage();
    const unit = await runCli(["prompt", "support-bot", "--unit", "main", "--json"], { cwd: root });
    expect(unit.code).toBe(2);
    expect(parseJsonOutput<{ error: { code: string; message: string } }>(unit).error).toMatchObject({
      code: "E_USAGE",
      message: "--unit is for kind: code packages",
    });

    const code = join(root, "lib");
    await writeText(
      join(code, "specprompt.yaml"),
      "name: lib\nversion: 0.1.0\ncore: core.md\nmodel: openai:x\n",
    );
    await writeText(join(code, "core.md"), "# lib\n");
    const vars = await runCli(["prompt", "lib", "--vars", "a=1"], { cwd: root });
    expect(vars.code).toBe(2);
    expect(vars.stderr).toContain("--vars and --vars-file are for kind: prompt packages");
  });

  test("reports a manifest with an unknown grader model as bad input", async () => {
    const { root } = await makePromptPackage("grader: gpt-4o");

    const result = await runCli(["prompt", "support-bot", "--vars", "question=Hi"], { cwd: root });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `${join("support-bot", "specprompt.yaml")}:9:9: grader: use provider:model`,
    );
  });
});
