import type { BuildEvent } from "../../build/build-events.js";
import type { AnyBuildResult } from "../../build/build-targets.js";
import type { BuildOptions, BuildResult } from "../../build/build-types.js";
import { checkFreshBuild } from "../../build/fresh-build.js";
import { takeFreshMiss } from "../../build/fresh-miss.js";
import { type CommandDef, writeJson } from "../command.js";
import { wantsLiveOutput } from "../format.js";
import { nonNegativeInt, positiveInt, seconds } from "../number-flags.js";
import { printBuildResult } from "../print-build.js";
import { createBuildProgress } from "../progress.js";
import { PACKAGE_OPTIONS, packageArgs, TARGET_OPTION, targetArgs } from "../shared-options.js";

/** `specprompt build [dir]` */
export const buildCommand: CommandDef = {
  name: "build",
  summary: "Generate the output tree from the package, only where inputs changed",
  usage: "specprompt build [dir] [options]",
  description: [
    "Reads specprompt.yaml, asks the model for every unit whose inputs changed since specprompt.lock,",
    "runs the validation command on the result, sends what fails back to the model until the tests",
    "pass or the rounds run out, and writes the outputs and the lock in one step. A failed build",
    "leaves the previous output and lock exactly as they were and keeps its last attempt in",
    ".specprompt/failed/<build-id>/.",
  ].join("\n"),
  positionals: [{ name: "dir", description: "Package folder (default: the current folder)" }],
  options: {
    ...PACKAGE_OPTIONS,
    ...TARGET_OPTION,
    offline: { type: "boolean", description: "Answer every request from .specprompt/cache; fail on a miss" },
    force: { type: "boolean", description: "Overwrite hand edits and files specprompt did not write" },
    stamp: {
      type: "boolean",
      description: "Start each file this build generates with a comment naming package and unit",
    },
    concurrency: { type: "string", value: "n", description: "Units generated at once (default 4)" },
    "max-iterations": {
      type: "string",
      value: "n",
      description:
        "Generation rounds before failing tests fail the build (default: validation.maxIterations, else 3)",
    },
    watch: {
      type: "boolean",
      short: "w",
      description: "Build, then rebuild whenever a file of the package changes (until Ctrl-C)",
    },
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
    "specprompt build --model anthropic:claude-sonnet-4-5   # recompile, compare with the lock",
    "specprompt build --max-iterations 5 --set license=Apache-2.0",
    "specprompt build --watch               # rebuild on every save; an edit costs only the units it touches",
    "specprompt build --target py           # one target of a package with targets: (default: all)",
  ],
  async run({ values, positionals, io }) {
    const json = Boolean(values.json);
    const options: BuildOptions = {
      ...packageArgs(values, positionals),
      cwd: io.cwd,
      env: io.env,
      offline: Boolean(values.offline) || io.env.SPECPROMPT_OFFLINE === "1",
      force: Boolean(values.force),
      stamp: Boolean(values.stamp),
      concurrency: positiveInt(values.concurrency, "--concurrency"),
      maxIterations: positiveInt(values["max-iterations"], "--max-iterations"),
      timeoutMs: seconds(values.timeout, "--timeout"),
      maxRetries: nonNegativeInt(values.retries, "--retries"),
      signal: io.signal,
      // In a watch, the freshness index is recorded after the build is shown.
      defer:
        io.defer ?? (values.watch ? (task) => void setImmediate(() => task().catch(() => {})) : undefined),
    };
    const targets = targetArgs(values);
    /** One build with its own progress view (a live block on a terminal, plain lines otherwise). */
    const buildOne = async (one: BuildOptions): Promise<BuildResult> => {
      const progress = createBuildProgress(io.stderr, { live: !json && wantsLiveOutput(io.stderr, io.env) });
      try {
        const withProgress = {
          ...one,
          reporter: json ? undefined : (event: BuildEvent) => progress.onEvent(event),
        };
        // A build with nothing to do is answered from the freshness index without loading the engine.
        return (
          (!one.freshChecked && (await checkFreshBuild(withProgress))) ||
          (await (await import("../../build/run-build.js")).runBuild({ ...withProgress, freshChecked: true }))
        );
      } finally {
        progress.stop();
      }
    };
    // bin/specprompt.js already asked the freshness index for this very build and it said no.
    let freshMissed = takeFreshMiss();
    /** The package, or each of its targets (`--target`, default all), built. */
    const buildAll = async (): Promise<AnyBuildResult> => {
      // Without --target, an up-to-date package without targets is known before they are listed.
      if (!targets && !freshMissed) {
        const fresh = await checkFreshBuild(options);
        if (fresh) return fresh;
      }
      freshMissed = false; // a watch's later builds ask again
      const { buildTargets } = await import("../../build/build-targets.js");
      return buildTargets({ ...options, targets }, (one) =>
        buildOne({ ...one, freshChecked: one.target === undefined }),
      );
    };
    const show = (shown: AnyBuildResult) => {
      if (json) writeJson(io, shown);
      else for (const one of "targets" in shown ? shown.targets : [shown]) printBuildResult(io, one);
    };
    if (values.watch) {
      const { watchBuild } = await import("../watch-build.js");
      (await import("../../util/warm-process.js")).markWarmProcess({ shareLocks: true });
      return watchBuild({
        dir: options.dir,
        cwd: io.cwd,
        io,
        build: buildAll,
        show: (shown) => {
          // One JSON document per build, one per line, for scripts that follow a watch.
          if (json) io.stdout.write(`${JSON.stringify(shown)}\n`);
          else show(shown);
        },
      });
    }
    const result = await buildAll();
    show(result);
    return result.status === "failed" ? 1 : 0;
  },
};
