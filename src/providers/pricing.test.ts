import { describe, expect, it } from "vitest";
import { costOf, priceOf } from "./pricing.js";

describe("priceOf", () => {
  it("finds a model by its longest matching prefix, with or without the provider", () => {
    expect(priceOf("openai:gpt-4o-mini")).toEqual({ input: 0.15, output: 0.6 });
    expect(priceOf("gpt-4o-2024-08-06")).toEqual({ input: 2.5, output: 10 });
    expect(priceOf("anthropic:claude-sonnet-4-5-20250929")).toEqual({ input: 3, output: 15 });
    expect(priceOf("anthropic:claude-opus-4-5")).toEqual({ input: 5, output: 25 });
    expect(priceOf("anthropic:claude-opus-4-1")).toEqual({ input: 15, output: 75 });
  });

  it("knows no price for local models, agents or unknown models", () => {
    expect(priceOf("ollama:llama3.2")).toBeUndefined();
    expect(priceOf("cmd:claude -p")).toBeUndefined();
    expect(priceOf("openai:my-finetune")).toBeUndefined();
  });

  it("lets overrides win, by full id or by model name", () => {
    const overrides = { "openai:gpt-4o": { input: 1, output: 2 }, "llama3.2": { input: 0.01, output: 0.02 } };
    expect(priceOf("openai:gpt-4o", overrides)).toEqual({ input: 1, output: 2 });
    expect(priceOf("ollama:llama3.2", overrides)).toEqual({ input: 0.01, output: 0.02 });
  });
});

describe("costOf", () => {
  it("prices input and output tokens per million, rounded to 6 decimals", () => {
    expect(costOf("openai:gpt-4o-mini", { inputTokens: 1234, outputTokens: 567 })).toBe(0.000525);
    expect(costOf("anthropic:claude-sonnet-4", { inputTokens: 1_000_000, outputTokens: 0 })).toBe(3);
  });

  it("is undefined when the model has no price", () => {
    expect(costOf("ollama:qwen3", { inputTokens: 10, outputTokens: 10 })).toBeUndefined();
  });
});
