/**
 * Approximate list prices, to show what a build cost. Read from openai.com/api/pricing and
 * anthropic.com/pricing in November 2025; prices change, so users can override them.
 */
import type { Usage } from "./types.js";

/** USD per million tokens. */
export interface Price {
  input: number;
  output: number;
}

/** Model-name prefix → price; the longest matching prefix wins. */
export type PriceTable = Record<string, Price>;

/** Built-in prices (approximate, standard tier, no caching or batch discounts). */
export const BUILTIN_PRICES: PriceTable = {
  "gpt-4o": { input: 2.5, output: 10 },
  "gpt-4o-mini": { input: 0.15, output: 0.6 },
  "gpt-4.1": { input: 2, output: 8 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "gpt-4.1-nano": { input: 0.1, output: 0.4 },
  o3: { input: 2, output: 8 },
  "o4-mini": { input: 1.1, output: 4.4 },
  "claude-sonnet-4": { input: 3, output: 15 },
  "claude-opus-4": { input: 15, output: 75 },
  "claude-opus-4-5": { input: 5, output: 25 },
  "claude-3-5-haiku": { input: 0.8, output: 4 },
  "claude-haiku-4": { input: 1, output: 5 },
};

const UNPRICED_PROVIDERS = new Set(["ollama", "cmd"]);

/**
 * The price of a model (`openai:gpt-4o` or `gpt-4o`), or undefined when unknown or local.
 * Overrides are keyed by full id or model name and win over the built-in table.
 */
export function priceOf(modelId: string, overrides: PriceTable = {}): Price | undefined {
  const colon = modelId.indexOf(":");
  const provider = colon === -1 ? undefined : modelId.slice(0, colon);
  const name = colon === -1 ? modelId : modelId.slice(colon + 1);
  const override = overrides[modelId] ?? overrides[name];
  if (override) return override;
  if (provider !== undefined && UNPRICED_PROVIDERS.has(provider)) return undefined;
  return findByPrefix(name, overrides) ?? findByPrefix(name, BUILTIN_PRICES);
}

/** The cost in USD of a call's usage (6 decimals), or undefined when the model has no price. */
export function costOf(modelId: string, usage: Usage, overrides?: PriceTable): number | undefined {
  const price = priceOf(modelId, overrides);
  if (!price) return undefined;
  const dollars = (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
  return Math.round(dollars * 1e6) / 1e6;
}

function findByPrefix(name: string, table: PriceTable): Price | undefined {
  let best: string | undefined;
  for (const prefix of Object.keys(table)) {
    if (name.startsWith(prefix) && (best === undefined || prefix.length > best.length)) best = prefix;
  }
  return best === undefined ? undefined : table[best];
}
