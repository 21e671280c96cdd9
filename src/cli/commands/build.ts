import type { BuildOptions, BuildResult } from "../../build/build-types.js";
import { checkFreshBuild } from "../../build/fresh-build.js";
import { UsageError } from "../../errors.js";
import { type CliIO, type CommandDef, writeJson } from "../command.js";
import { formatCost, formatDuration, formatTokens, wantsLiveOutput } from "../format.js";
import { createBuildProgress } from "../progress.js";
import { PACKAGE_OPTIONS, packageArgs } from "../shared-options.js";

/** `specprompt build [dir]` */
export const buildCommand: CommandDef = {
  name: "build",
  summary: "Generate the output tree from the package, only where inputs changed",
  usage: "specprompt build [dir] [options]",
  description: [
    "Reads specprompt.yaml, asks the model for every unit whose inputs changed since specprompt.lock,",
    "runs the validation command on the result, and writes the outputs and the lock in one step.",
    "A failed build leaves the previous output and lock exactly as they were.",
  ].join("\n"),
  positionals: [{ name: "dir", description: "Package folder (default: the current folder)" }],
  options: {
    ...PACKAGE_OPTIONS,
    offline: { type: "boolean", description: "Answer every request from .specprompt/cache; fail on a miss" },
    force: { type: "boolean", description: "Overwrite hand edits and files specprompt did not write" },
    concurrency: { type: "string", value: "n", description: "Units generated at once (default 4)" },
    timeout: { type: "string", value: "seconds", description: "Per-request model timeout (default 300)" },
    retries: {
      type: "string",
      value: "n",
      description: "Retries on 429, 5xx and network errors (default 4)",
    },
  },
  examples: [
    "specprompt build                      # build the package in this folder",
    "specprompt build examples/textstats --offline",
    "specprompt build --model anthropic:claude-sonnet-4-5 --set license=Apache-2.0",
  ],
  async run({ values, positionals, io }) {
    const json = Boolean(values.json);
    const progress = createBuildProgress(io.stderr, { live: !json && wantsLiveOutput(io.stderr, io.env) });
    let result: BuildResult | undefined;
    try {
      const options: BuildOptions = {
        ...packageArgs(values, positionals),
        cwd: io.cwd,
        env: io.env,
        offline: Boolean(values.offline) || io.env.SPECPROMPT_OFFLINE === "1",
        force: Boolean(values.force),
        concurrency: positiveInt(values.concurrency, "--concurrency"),
        timeoutMs: seconds(values.timeout, "--timeout"),
        maxRetries: nonNegativeInt(values.retries, "--retries"),
        reporter: json ? undefined : (event) => progress.onEvent(event),
        signal: io.signal,
      };
      // A build with nothing to do is answered from the freshness index without loading the engine.
      result =
        (await checkFreshBuild(options)) ??
        (await (await import("../../build/run-build.js")).runBuild(options));
    } finally {
      progress.stop();
    }
    if (json) writeJson(io, result);
    else printResult(io, result);
    return result.status === "failed" ? 1 : 0;
  },
};

function printResult(io: CliIO, result: BuildResult): void {
  const name = `${result.package.name}@${result.package.version}`;
  for (const warning of result.warnings) io.stderr.write(`warning: ${warning}\n`);
  if (result.status === "up-to-date" && result.units.length === 0) {
    io.stdout.write(`${name} is up to date (${result.plan.units.length} units, no model request)\n`);
    return;
  }
  const width = Math.max(...result.units.map((unit) => unit.unit.length), 4);
  const restored = result.units.filter((unit) => unit.action === "restore").length;
  const generated = result.units.length - restored;
  const counts = [
    generated > 0 ? `${generated} regenerated` : undefined,
    restored > 0 ? `${restored} restored` : undefined,
  ].filter(Boolean);
  io.stdout.write(`${name}: ${counts.join(", ")} of ${result.plan.units.length} units\n`);
  for (const unit of result.units) {
    const source = unit.cachedRequests === unit.requests ? "from cache" : formatTokens(unit.tokens);
    const cost = formatCost(unit.cost);
    const why = unit.reasons.length > 0 ? ` — ${unit.reasons.join(", ")}` : "";
    io.stdout.write(
      `  ${unit.unit.padEnd(width)}  ${unit.files.length} file${unit.files.length === 1 ? "" : "s"}, ${source}${cost ? `, ${cost}` : ""}${why}\n`,
    );
    for (const refusal of unit.refused) io.stdout.write(`    refused: ${refusal}\n`);
  }
  if (result.validation) {
    const verdict = result.validation.passed
      ? "passed"
      : result.validation.timedOut
        ? "timed out"
        : `failed (exit ${result.validation.exitCode})`;
    io.stdout.write(
      `validation: ${result.validation.command} ${verdict} in ${formatDuration(result.validation.durationMs)}\n`,
    );
  }
  if (result.status === "failed") {
    const output = (result.validation?.output ?? "").trimEnd().split("\n").slice(-40).join("\n");
    if (output) io.stderr.write(`${output}\n`);
    io.stderr.write(
      "build failed: the validation command did not pass; the previous output and lock are untouched\n",
    );
    return;
  }
  const cost = formatCost(result.cost);
  io.stdout.write(
    `wrote ${result.filesWritten} file${result.filesWritten === 1 ? "" : "s"}${result.lockWritten ? " and specprompt.lock" : ""} in ${formatDuration(result.durationMs)}` +
      ` (${formatTokens(result.tokens)}${cost ? `, ${cost}` : ""})\n`,
  );
}

function positiveInt(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new UsageError(`${flag} takes a whole number of at least 1, got '${value}'`);
  return number;
}

function nonNegativeInt(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw new UsageError(`${flag} takes a whole number, got '${value}'`);
  return number;
}

function seconds(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0)
    throw new UsageError(`${flag} takes a number of seconds, got '${value}'`);
  return number * 1000;
}
