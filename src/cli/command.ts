import { parseArgs } from "node:util";
import { UsageError } from "../errors.js";
import { findClosestName } from "../util/closest-name.js";

/** What a command reads from and writes to; the real process in the CLI, buffers in tests. */
export interface CliIO {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: OutputStream;
  stderr: OutputStream;
  /** Asks the user a question on the terminal; absent when stdin is not a terminal. */
  ask?: (question: string) => Promise<string>;
  /** Aborted on Ctrl-C. */
  signal?: AbortSignal;
  /** Runs work that no output depends on once the command has answered (a long-running process). */
  defer?: (task: () => Promise<void>) => void;
}

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  description: string;
  /** Shown in help as --name <value>. */
  value?: string;
}

/** A command declares its flags and help; `run` parses nothing itself and returns an exit code. */
export interface CommandDef<Values = Record<string, unknown>> {
  name: string;
  summary: string;
  usage: string;
  description?: string;
  options: Record<string, OptionSpec>;
  /** Whether the command takes positional arguments (most take [dir]). */
  positionals?: { name: string; description: string }[];
  examples?: string[];
  run(args: { values: Values; positionals: string[]; io: CliIO }): Promise<number>;
}

/** Flags every command takes. */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  json: { type: "boolean", description: "Print one JSON document on stdout instead of text" },
  help: { type: "boolean", short: "h", description: "Show this help" },
};

/** Parse argv for a command; unknown flags are usage errors with a suggestion. */
export function parseCommandArgs(
  def: CommandDef,
  argv: string[],
): { values: Record<string, unknown>; positionals: string[] } {
  const options = { ...COMMON_OPTIONS, ...def.options };
  try {
    const parsed = parseArgs({
      args: argv,
      options: Object.fromEntries(
        Object.entries(options).map(([name, spec]) => [
          name,
          {
            type: spec.type,
            ...(spec.short ? { short: spec.short } : {}),
            ...(spec.multiple ? { multiple: true } : {}),
          },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    });
    return { values: parsed.values as Record<string, unknown>, positionals: parsed.positionals };
  } catch (error) {
    const message = (error as Error).message;
    const flag = /'(--?[\w-]+)/.exec(message)?.[1];
    const suggestion = flag ? findClosestName(flag.replace(/^-+/, ""), Object.keys(options)) : undefined;
    throw new UsageError(
      `${def.name}: ${message.replace(/\. To specify.*$/s, "")}`,
      suggestion
        ? `did you mean --${suggestion}? See specprompt ${def.name} --help`
        : `see specprompt ${def.name} --help`,
    );
  }
}

/** Help text for a command, generated from its declaration. */
export function renderCommandHelp(def: CommandDef): string {
  const options = { ...def.options, ...COMMON_OPTIONS };
  const rows = Object.entries(options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : "    "}--${name}${spec.type === "string" ? ` <${spec.value ?? "value"}>` : ""}`;
    return [flag, spec.description + (spec.multiple ? " (repeatable)" : "")] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  const lines = [`Usage: ${def.usage}`, "", def.summary];
  if (def.description) lines.push("", def.description);
  if (def.positionals?.length) {
    lines.push("", "Arguments:");
    for (const positional of def.positionals)
      lines.push(`  ${positional.name.padEnd(width)}${positional.description}`);
  }
  lines.push("", "Options:");
  for (const [flag, text] of rows) lines.push(`  ${flag.padEnd(width)}${text}`);
  if (def.examples?.length) lines.push("", "Examples:", ...def.examples.map((example) => `  ${example}`));
  return `${lines.join("\n")}\n`;
}

/** Write a value as the command's one JSON document. */
export function writeJson(io: CliIO, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
