import type { CommandDef } from "./command.js";

/**
 * Every command, with the summary shown by `specprompt --help`. Modules are loaded only when
 * their command runs, so `--help` and `--version` stay as fast as starting Node.
 */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandDef> }> = {
  init: {
    summary: "Create a new package",
    load: async () => (await import("./commands/init.js")).initCommand,
  },
  import: {
    summary: "Write a manifest for Spec Kit, OpenSpec or Kiro specs, naming their files where they are",
    load: async () => (await import("./commands/import.js")).importCommand,
  },
  build: {
    summary: "Generate the output tree from the package, only where inputs changed",
    load: async () => (await import("./commands/build.js")).buildCommand,
  },
  plan: {
    summary: "Show which units would regenerate and why, without a model",
    load: async () => (await import("./commands/plan.js")).planCommand,
  },
  eval: {
    summary: "Run a runtime prompt's eval cases, gate on its threshold, compare versions",
    load: async () => (await import("./commands/eval.js")).evalCommand,
  },
  prompt: {
    summary: "Print exactly what a unit sends to the model",
    load: async () => (await import("./commands/prompt.js")).promptCommand,
  },
  status: {
    summary: "Show hand-edited, missing and untracked files and stale units, without a model",
    load: async () => (await import("./commands/status.js")).statusCommand,
  },
  diff: {
    summary: "Show hand edits of generated files as a diff against what the build wrote",
    load: async () => (await import("./commands/diff.js")).diffCommand,
  },
  daemon: {
    summary: "Keep a package's build, plan, status and check warm in a background process",
    load: async () => (await import("./commands/daemon.js")).daemonCommand,
  },
  check: {
    summary:
      "CI gate: manifest valid, nothing stale, no hand edits, last validation passed, criteria covered",
    load: async () => (await import("./commands/check.js")).checkCommand,
  },
  absorb: {
    summary: "Turn hand edits into an amendment of the package (model-proposed, confirmed), then rebuild",
    load: async () => (await import("./commands/absorb.js")).absorbCommand,
  },
  blame: {
    summary: "Show which unit, layers, model and build made a generated file (or line)",
    load: async () => (await import("./commands/blame.js")).blameCommand,
  },
  version: {
    summary: "Bump the version with a why: changelog entry, commit, tag",
    load: async () => (await import("./commands/version.js")).versionCommand,
  },
  log: {
    summary: "List versions with dates, whys and the layers each changed",
    load: async () => (await import("./commands/log.js")).logCommand,
  },
  checkout: {
    summary: "Restore the package's source files as of a version",
    load: async () => (await import("./commands/checkout.js")).checkoutCommand,
  },
};

/** The overview `specprompt --help` prints. */
export function renderMainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length)) + 2;
  const lines = [
    "specprompt — prompt packages are the source; generated code is build output",
    "",
    "Usage: specprompt <command> [options]",
    "",
    "Commands:",
    ...Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(width)}${entry.summary}`),
    "",
    "Every command takes --json and --help. Exit codes: 0 success, 1 a failed gate, 2 bad usage or input.",
    "Run `specprompt <command> --help` for a command's options.",
    "",
  ];
  return lines.join("\n");
}
