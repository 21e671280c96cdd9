/** "1.2s", "340ms", "2m05s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes}m${String(seconds).padStart(2, "0")}s`;
}

/** "12.3k in / 4.1k out tokens". */
export function formatTokens(tokens: { input: number; output: number }): string {
  return `${compact(tokens.input)} in / ${compact(tokens.output)} out tokens`;
}

/** "$0.0123", or undefined when no price is known. */
export function formatCost(cost: number | undefined): string | undefined {
  if (cost === undefined) return undefined;
  return cost >= 1 ? `$${cost.toFixed(2)}` : `$${cost.toFixed(4)}`;
}

function compact(value: number): string {
  if (value < 1000) return String(value);
  if (value < 1_000_000) return `${(value / 1000).toFixed(1)}k`;
  return `${(value / 1_000_000).toFixed(2)}M`;
}

/** Whether to draw live progress: a TTY, not CI, not dumb. */
export function wantsLiveOutput(
  stream: { isTTY?: boolean },
  env: Record<string, string | undefined>,
): boolean {
  return Boolean(stream.isTTY) && !env.CI && env.TERM !== "dumb";
}
