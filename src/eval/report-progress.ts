/**
 * Progress of an eval run: on a terminal a live bar (done/total, pass/fail, rate, ETA, the
 * current concurrency and the last retry), elsewhere a plain line every few seconds.
 */
import { formatDuration } from "../cli/format.js";
import type { EvalEvent } from "./run-types.js";

export interface EvalProgress {
  onEvent(event: EvalEvent): void;
  stop(): void;
}

export interface ProgressState {
  total: number;
  /** Finished before this process started (resumed). */
  resumed: number;
  done: number;
  passed: number;
  failed: number;
  cached: number;
  retries: number;
  rateLimited: number;
  window: number;
  limit: number;
  startedAt: number;
}

interface Stream {
  write(text: string): unknown;
  columns?: number;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const PLAIN_EVERY_MS = 5000;

export function createEvalProgress(
  stream: Stream,
  options: { live: boolean; now?: () => number; intervalMs?: number },
): EvalProgress {
  const now = options.now ?? Date.now;
  const state: ProgressState = {
    total: 0,
    resumed: 0,
    done: 0,
    passed: 0,
    failed: 0,
    cached: 0,
    retries: 0,
    rateLimited: 0,
    window: 0,
    limit: 0,
    startedAt: now(),
  };
  let note = "";
  let drawn = false;
  let frame = 0;
  let lastPlain = 0;

  const draw = () => {
    if (state.total === 0) return;
    if (options.live) {
      const width = stream.columns ?? 100;
      const line = `${FRAMES[frame++ % FRAMES.length]} ${renderProgressLine(state, now(), width)}`;
      const extra = note ? `\n  ${note.slice(0, width - 3)}` : "";
      stream.write(`${drawn ? "\x1b[2A\x1b[0J" : ""}${line.slice(0, width)}${extra || "\n "}\n`);
      drawn = true;
    } else if (now() - lastPlain >= PLAIN_EVERY_MS) {
      lastPlain = now();
      stream.write(`eval: ${renderProgressLine(state, now(), Number.POSITIVE_INFINITY, false)}\n`);
    }
  };
  const timer = setInterval(draw, options.intervalMs ?? (options.live ? 120 : 1000));
  timer.unref();

  return {
    onEvent(event) {
      switch (event.type) {
        case "start":
          state.total = event.total;
          state.resumed = event.done;
          state.done = event.done;
          state.limit = event.concurrency;
          state.window = event.concurrency;
          state.startedAt = now();
          lastPlain = now();
          break;
        case "result":
          state.done++;
          if (event.record.pass) state.passed++;
          else state.failed++;
          if (event.record.cached) state.cached++;
          state.window = event.window;
          break;
        case "retry":
          state.retries++;
          if (event.status === 429) state.rateLimited++;
          state.window = event.window;
          note = `${event.reason.split("\n")[0]}; retrying in ${formatDuration(event.delayMs)} (attempt ${event.attempt})`;
          break;
      }
    },
    stop() {
      clearInterval(timer);
      if (options.live && drawn) stream.write("\x1b[2A\x1b[0J");
      drawn = false;
    },
  };
}

/** `[█████░░░░░] 1,234/4,000 · ✓ 1,100 ✗ 134 · 85/s · ETA 32s · concurrency 25/50 · 3 retries`. */
export function renderProgressLine(state: ProgressState, now: number, width: number, bar = true): string {
  const elapsed = Math.max(1, now - state.startedAt);
  const fresh = state.done - state.resumed;
  const rate = (fresh * 1000) / elapsed;
  const remaining = state.total - state.done;
  const eta = rate > 0 ? formatDuration((remaining / rate) * 1000) : "—";
  const parts = [
    `${state.done.toLocaleString("en-US")}/${state.total.toLocaleString("en-US")}`,
    `✓ ${state.passed.toLocaleString("en-US")} ✗ ${state.failed.toLocaleString("en-US")}`,
    `${rate >= 10 ? Math.round(rate) : rate.toFixed(1)}/s`,
    `ETA ${remaining === 0 ? "0s" : eta}`,
  ];
  if (state.window < state.limit) parts.push(`concurrency ${state.window}/${state.limit}`);
  if (state.cached > 0) parts.push(`${state.cached.toLocaleString("en-US")} cached`);
  if (state.retries > 0) parts.push(`${state.retries} retries (${state.rateLimited} × 429)`);
  const text = parts.join(" · ");
  if (!bar) return text;
  const size = Math.max(10, Math.min(30, width - text.length - 6));
  const filled = state.total === 0 ? 0 : Math.round((state.done / state.total) * size);
  return `[${"█".repeat(filled)}${"░".repeat(size - filled)}] ${text}`;
}
