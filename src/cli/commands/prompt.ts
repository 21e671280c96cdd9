import { showUnitPrompt } from "../../build/inspect-package.js";
import { showLockedRequests } from "../../drift/locked-requests.js";
import { UsageError } from "../../errors.js";
import { readPackageKind } from "../../eval/load-prompt-package.js";
import {
  parseVarFlags,
  showTemplatePrompt,
  type TemplatePromptArgs,
} from "../../eval/show-template-prompt.js";
import type { Message } from "../../providers/types.js";
import { type CliIO, type CommandDef, writeJson } from "../command.js";
import { printLockedRequests } from "../print-locked-requests.js";
import { PACKAGE_OPTIONS, packageArgs } from "../shared-options.js";

/** `specprompt prompt [dir] --unit X` (code packages) or `--vars k=v` (runtime prompts) */
export const promptCommand: CommandDef = {
  name: "prompt",
  summary: "Print exactly what a unit sends to the model",
  usage: "specprompt prompt [dir] [--unit <name> | --vars <name=value>...] [options]",
  description: [
    "Assembles the unit's prompt from the package's layers just as build does and prints it: the model, its parameters,",
    "the messages and the write_file tool. --json prints the request body build sends.",
    "For a kind: prompt package, renders its template with --vars (and the manifest params as defaults) into the",
    "messages eval sends; --json prints { model, params, messages }.",
  ].join("\n"),
  positionals: [{ name: "dir", description: "Package folder (default: the current folder)" }],
  options: {
    ...PACKAGE_OPTIONS,
    target: {
      type: "string",
      value: "name",
      description: "The target, for a package with targets:",
    },
    unit: {
      type: "string",
      short: "u",
      value: "name",
      description: "The unit to show (optional when there is one)",
    },
    "from-lock": {
      type: "boolean",
      description: "Show the recorded requests that produced the current files (from the cache)",
    },
    vars: {
      type: "string",
      multiple: true,
      value: "name=value",
      description: "kind: prompt — a template variable",
    },
    "vars-file": {
      type: "string",
      value: "file",
      description: "kind: prompt — template variables from a JSON or YAML map",
    },
  },
  examples: [
    "specprompt prompt --unit stats",
    "specprompt prompt examples/textstats --unit tokenize --json | jq .request.messages",
    "specprompt prompt --from-lock --unit stats     # the requests that made the current files",
    "specprompt prompt support-bot --vars question='Where is my order?' --vars-file user.json",
  ],
  async run({ values, positionals, io }) {
    if (values["from-lock"]) {
      const view = await showLockedRequests({
        dir: positionals[0] ?? ".",
        cwd: io.cwd,
        unit: values.unit as string | undefined,
        target: values.target as string | undefined,
      });
      if (values.json) writeJson(io, view);
      else printLockedRequests(io, view);
      return 0;
    }
    const args = { ...packageArgs(values, positionals), target: values.target as string | undefined };
    const vars = (values.vars as string[] | undefined) ?? [];
    const varsFile = values["vars-file"] as string | undefined;
    if ((await readPackageKind(args.dir, io.cwd)) === "prompt") {
      if (values.unit !== undefined) {
        throw new UsageError(
          "--unit is for kind: code packages",
          "a runtime prompt has no units; pass --vars",
        );
      }
      return showTemplate(io, Boolean(values.json), {
        ...args,
        cwd: io.cwd,
        env: io.env,
        vars: parseVarFlags(vars),
        varsFile,
      });
    }
    if (vars.length > 0 || varsFile !== undefined) {
      throw new UsageError(
        "--vars and --vars-file are for kind: prompt packages",
        "a code package's prompt is assembled from its layers; --set overrides its params",
      );
    }
    const view = await showUnitPrompt({
      ...args,
      cwd: io.cwd,
      env: io.env,
      unit: values.unit as string | undefined,
    });
    if (values.json) {
      writeJson(io, view);
      return 0;
    }
    if (view.kind === "agent") {
      io.stdout.write(
        `# unit ${view.unit} → ${view.model} (on stdin and in $SPECPROMPT_PROMPT_FILE)\n\n${view.prompt}`,
      );
      return 0;
    }
    const request = view.request!;
    io.stdout.write(`# unit ${view.unit} → ${view.model} ${JSON.stringify(request.params)}\n`);
    io.stdout.write(`# tools: ${request.tools.map((tool) => tool.name).join(", ")}\n`);
    for (const message of request.messages) io.stdout.write(renderMessage(message));
    return 0;
  },
};

async function showTemplate(io: CliIO, json: boolean, args: TemplatePromptArgs): Promise<number> {
  const view = await showTemplatePrompt(args);
  if (json) {
    writeJson(io, view);
    return 0;
  }
  io.stdout.write(`# ${view.model} ${JSON.stringify(view.params)}\n`);
  for (const message of view.messages) io.stdout.write(renderMessage(message));
  return 0;
}

function renderMessage(message: Message): string {
  const body = "content" in message ? message.content : JSON.stringify(message.results, null, 2);
  return `\n===== ${message.role} =====\n${body.endsWith("\n") ? body : `${body}\n`}`;
}
