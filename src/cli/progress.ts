import type { BuildEvent } from "../build/build-events.js";
import type { OutputStream } from "./command.js";
import { formatDuration, formatTokens } from "./format.js";

/** Renders build events: a live block on a terminal, one plain line per event otherwise. */
export interface BuildProgress {
  onEvent(event: BuildEvent): void;
  stop(): void;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** Pick the live view on a TTY (unless CI), plain lines elsewhere. */
export function createBuildProgress(stream: OutputStream, options: { live: boolean }): BuildProgress {
  return options.live ? createLiveProgress(stream) : createLineProgress(stream);
}

function createLineProgress(stream: OutputStream): BuildProgress {
  return {
    onEvent(event) {
      const line = describeEvent(event);
      if (line) stream.write(`${line}\n`);
    },
    stop() {},
  };
}

function describeEvent(event: BuildEvent): string | undefined {
  switch (event.type) {
    case "unit-start":
      return `${event.action === "restore" ? "restoring" : "generating"} ${event.unit} with ${event.model}`;
    case "unit-done":
      return `  ${event.unit}: ${event.files} file${event.files === 1 ? "" : "s"}${event.cached ? " (from cache)" : `, ${formatTokens(event.tokens)}`}`;
    case "retry":
      return `  ${event.retry.provider}: ${event.retry.reason}; retrying in ${formatDuration(event.retry.delayMs)} (attempt ${event.retry.attempt})`;
    case "validation-start":
      return `validating (${event.iteration}/${event.maxIterations}): ${event.command}`;
    case "validation-done":
      return event.result.passed ? undefined : `  ${describeFailedRun(event.result, event.failed)}`;
    case "refine-start":
      return `refining ${event.units.join(", ")} (${event.iteration}/${event.maxIterations})`;
    case "refine-done":
      return `  ${event.unit}: ${event.changed} file${event.changed === 1 ? "" : "s"} changed${event.cached ? " (from cache)" : `, ${formatTokens(event.tokens)}`}`;
    default:
      return undefined;
  }
}

/** "validation failed: 2 tests failing", "validation timed out", "validation failed (exit code 1)". */
function describeFailedRun(result: { timedOut: boolean; exitCode: number | null }, failed: number): string {
  if (result.timedOut)
    return `validation timed out${failed > 0 ? ` with ${failed} test${failed === 1 ? "" : "s"} failing` : ""}`;
  return failed > 0
    ? `validation failed: ${failed} test${failed === 1 ? "" : "s"} failing`
    : `validation failed (exit code ${result.exitCode})`;
}

function createLiveProgress(stream: OutputStream): BuildProgress {
  const started = Date.now();
  const running = new Map<string, { model: string; since: number }>();
  const tokens = { input: 0, output: 0 };
  let total = 0;
  let done = 0;
  let validating: string | undefined;
  let refining: string | undefined;
  let note: string | undefined;
  let drawn = 0;
  let frame = 0;

  const draw = () => {
    const lines: string[] = [];
    const spinner = FRAMES[frame++ % FRAMES.length];
    const queued = Math.max(0, total - done - running.size);
    lines.push(
      `${spinner} ${done}/${total} units done · ${running.size} running · ${queued} queued · ${formatTokens(tokens)} · ${formatDuration(Date.now() - started)}`,
    );
    for (const [unit, info] of running) {
      lines.push(`  ${unit} ← ${info.model} (${formatDuration(Date.now() - info.since)})`);
    }
    if (refining) lines.push(`  ${refining}`);
    if (validating) lines.push(`  ${validating}`);
    if (note) lines.push(`  ${note}`);
    const width = stream.columns ?? 100;
    const text = lines
      .map((line) => (line.length > width ? `${line.slice(0, width - 1)}…` : line))
      .join("\n");
    stream.write(`${clear(drawn)}${text}\n`);
    drawn = lines.length;
  };
  const timer = setInterval(draw, 120);
  timer.unref();

  return {
    onEvent(event) {
      switch (event.type) {
        case "plan":
          total = event.plan.units.filter((unit) => unit.action !== "keep").length;
          break;
        case "unit-start":
          running.set(event.unit, { model: event.model, since: Date.now() });
          break;
        case "unit-request":
          tokens.input += event.tokens.input;
          tokens.output += event.tokens.output;
          break;
        case "unit-done":
        case "unit-kept":
          running.delete(event.unit);
          done++;
          break;
        case "retry":
          note = `${event.retry.provider}: ${event.retry.reason}; retrying in ${formatDuration(event.retry.delayMs)}`;
          break;
        case "validation-start":
          refining = undefined;
          validating = `validating (${event.iteration}/${event.maxIterations}): ${event.command}`;
          break;
        case "validation-done":
          validating = undefined;
          note = event.result.passed ? undefined : describeFailedRun(event.result, event.failed);
          break;
        case "refine-start":
          refining = `refining ${event.units.join(", ")} (${event.iteration}/${event.maxIterations})`;
          break;
      }
    },
    stop() {
      clearInterval(timer);
      stream.write(clear(drawn));
      drawn = 0;
    },
  };
}

/** Move up over the previous block and erase it. */
function clear(lines: number): string {
  return lines > 0 ? `\x1b[${lines}A\x1b[0J` : "";
}
