import { resolve } from "node:path";
import { setFlagsFromString } from "node:v8";
import type { EvalResult } from "../../eval/run-types.js";
import { parseSetFlags } from "../../package/render-params.js";
import type { CommandDef } from "../command.js";
import { wantsLiveOutput } from "../format.js";
import { nonNegativeInt, positiveInt, seconds } from "../number-flags.js";

/** `specprompt eval [dir]` */
export const evalCommand: CommandDef = {
  name: "eval",
  summary: "Run a runtime prompt's eval cases, gate on its threshold, compare versions",
  usage: "specprompt eval [dir] [options]",
  description: [
    "Renders the template of a kind: prompt package with every case's vars, asks the model (every",
    "case × repeat × --model), grades each output with the case's assertions and prints the pass rate,",
    "failures by assertion, latency, tokens and cost. Results stream to .specprompt/evals/<run-id>/;",
    "responses are cached in .specprompt/cache/eval/, so an unchanged case never asks twice.",
    "",
    "With --compare, both versions run on the same cases and the report lists newly failing and",
    "newly passing cases with an exact McNemar test: a significant drop (p < 0.05) is a regression.",
    "",
    "Exit codes: 0 passed; 1 the pass rate is below the manifest's threshold, or --compare found a",
    "regression; 2 bad usage or input; 130 interrupted (continue with --resume).",
  ].join("\n"),
  positionals: [{ name: "dir", description: "Package folder (default: the current folder)" }],
  options: {
    model: {
      type: "string",
      multiple: true,
      value: "provider:model",
      description: "Run every case on this model (default: the package's model)",
    },
    set: {
      type: "string",
      multiple: true,
      value: "key=value",
      description: "Override a param (a default var)",
    },
    compare: {
      type: "string",
      value: "dir|ref|name@version",
      description: "Also run this version (a folder, a git ref, or a released name@version) and compare",
    },
    concurrency: {
      type: "string",
      value: "n",
      description: "Model calls at once (default 8; lowered on 429s)",
    },
    timeout: { type: "string", value: "seconds", description: "Time limit per attempt (default 120)" },
    retries: {
      type: "string",
      value: "n",
      description: "Retries per call on 429, 5xx, network errors and timeouts (default 6)",
    },
    "no-cache": { type: "boolean", description: "Neither read nor write the response cache" },
    resume: { type: "boolean", description: "Continue the last interrupted run of this package" },
    junit: { type: "string", value: "file", description: "Also write a JUnit XML report" },
    html: { type: "string", value: "file", description: "Also write a self-contained HTML report" },
  },
  examples: [
    "specprompt eval                                   # the package in this folder",
    "specprompt eval prompts/support --model openai:gpt-4o-mini --model anthropic:claude-haiku-4-5",
    "specprompt eval --compare HEAD~1                  # against the last commit's version",
    "specprompt eval --compare support-bot@1.2.0 --html eval.html",
    "specprompt eval --concurrency 32 --junit reports/eval.xml --json > eval.json",
    "specprompt eval --resume                          # after Ctrl-C or a crash",
  ],
  async run({ values, positionals, io }) {
    const json = Boolean(values.json);
    // An eval allocates fast for a long time, and V8 by default lets the old generation grow to
    // about four times its live size between full collections (280 MB at 20,000 cases). 50%
    // growth keeps that run near 150 MB for the same CPU. Process-wide, so only the CLI sets it.
    setFlagsFromString("--heap-growing-percent=50");
    const { runEval } = await import("../../eval/run-eval.js");
    const { createEvalProgress } = await import("../../eval/report-progress.js");
    const progress = createEvalProgress(io.stderr, { live: !json && wantsLiveOutput(io.stderr, io.env) });
    let result: EvalResult;
    try {
      result = await runEval({
        dir: positionals[0] ?? ".",
        cwd: io.cwd,
        env: io.env,
        set: parseSetFlags((values.set as string[] | undefined) ?? []),
        models: values.model as string[] | undefined,
        compare: values.compare as string | undefined,
        concurrency: positiveInt(values.concurrency, "--concurrency"),
        timeoutMs: seconds(values.timeout, "--timeout"),
        maxRetries: nonNegativeInt(values.retries, "--retries"),
        cache: !values["no-cache"],
        resume: Boolean(values.resume),
        signal: io.signal,
        reporter: json ? undefined : (event) => progress.onEvent(event),
      });
    } catch (error) {
      if (io.signal?.aborted) {
        io.stderr.write(
          "specprompt eval: interrupted; the results so far are kept, continue with --resume\n",
        );
        return 130;
      }
      throw error;
    } finally {
      progress.stop();
    }
    if (!json) for (const warning of result.warnings) io.stderr.write(`warning: ${warning}\n`);
    if (typeof values.junit === "string") {
      const { writeJunitReport } = await import("../../eval/report-junit.js");
      await writeJunitReport(result, resolve(io.cwd, values.junit));
    }
    if (typeof values.html === "string") {
      const { writeHtmlReport } = await import("../../eval/report-html.js");
      await writeHtmlReport(result, resolve(io.cwd, values.html));
    }
    if (json) {
      const { writeJsonReport } = await import("../../eval/report-json.js");
      await writeJsonReport(result, io.stdout);
    } else {
      const { formatTextReport } = await import("../../eval/report-text.js");
      io.stdout.write(formatTextReport(result, { columns: io.stdout.columns }));
    }
    return result.status === "failed" ? 1 : 0;
  },
};
