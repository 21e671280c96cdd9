import { showUnitPrompt } from "../../build/inspect-package.js";
import type { Message } from "../../providers/types.js";
import { type CommandDef, writeJson } from "../command.js";
import { PACKAGE_OPTIONS, packageArgs } from "../shared-options.js";

/** `specprompt prompt [dir] --unit X` */
export const promptCommand: CommandDef = {
  name: "prompt",
  summary: "Print exactly what a unit sends to the model",
  usage: "specprompt prompt [dir] --unit <name> [options]",
  description:
    "Assembles the unit's prompt from the package's layers just as build does and prints it: the model, its parameters,\nthe messages and the write_file tool. --json prints the request body build sends.",
  positionals: [{ name: "dir", description: "Package folder (default: the current folder)" }],
  options: {
    ...PACKAGE_OPTIONS,
    unit: {
      type: "string",
      short: "u",
      value: "name",
      description: "The unit to show (optional when there is one)",
    },
  },
  examples: [
    "specprompt prompt --unit stats",
    "specprompt prompt examples/textstats --unit tokenize --json | jq .request.messages",
  ],
  async run({ values, positionals, io }) {
    const view = await showUnitPrompt({
      ...packageArgs(values, positionals),
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

function renderMessage(message: Message): string {
  const body = "content" in message ? message.content : JSON.stringify(message.results, null, 2);
  return `\n===== ${message.role} =====\n${body.endsWith("\n") ? body : `${body}\n`}`;
}
