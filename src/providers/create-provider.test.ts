import { describe, expect, it } from "vitest";
import { createProvider, parseModelId } from "./create-provider.js";

const env = { env: {}, timeoutMs: 1000, maxRetries: 0 };

describe("parseModelId", () => {
  it("splits at the first colon so commands and tags may contain colons", () => {
    expect(parseModelId("ollama:qwen3:8b")).toEqual({ provider: "ollama", model: "qwen3:8b" });
    expect(parseModelId("cmd:claude -p --model x:y")).toEqual({
      provider: "cmd",
      model: "claude -p --model x:y",
    });
  });

  it("rejects an unknown provider, listing the known ones", () => {
    expect(() => parseModelId("gemini:pro")).toThrow(
      'unknown provider "gemini"; use one of openai, anthropic, ollama, cmd (e.g. openai:gpt-4o-mini)',
    );
  });

  it("rejects an id without a prefix or without a model", () => {
    expect(() => parseModelId("gpt-4o")).toThrow(/has no provider prefix/);
    expect(() => parseModelId("openai:")).toThrow(/names no model/);
  });
});

describe("createProvider", () => {
  it("builds an agent provider for cmd: ids", async () => {
    const provider = await createProvider("cmd:echo hi", env);
    expect(provider).toMatchObject({ kind: "agent", id: "cmd:echo hi", command: "echo hi" });
  });

  it("builds a chat provider for ollama: ids without any configuration", async () => {
    expect(await createProvider("ollama:llama3.2", env)).toMatchObject({
      kind: "chat",
      id: "ollama:llama3.2",
    });
  });

  it("reports a bad id as a configuration error with exit code 2", async () => {
    await expect(createProvider("nope:x", env)).rejects.toMatchObject({
      code: "E_PROVIDER_CONFIG",
      exitCode: 2,
    });
  });
});
