/** The ollama: driver: a local ollama through its OpenAI-compatible endpoint. */
import { createChatProvider } from "./chat-provider.js";
import { decodeChatCompletions, encodeChatCompletions } from "./openai-wire.js";
import type { ChatProvider, ProviderEnv } from "./types.js";

const DEFAULT_HOST = "http://127.0.0.1:11434";

/** A ChatProvider for `ollama:<model>` at OLLAMA_HOST (no key needed). */
export function createOllamaProvider(model: string, env: ProviderEnv): ChatProvider {
  const host = normalizeHost(env.env.OLLAMA_HOST || DEFAULT_HOST);
  return createChatProvider(
    {
      provider: "ollama",
      model,
      url: `${host}/v1/chat/completions`,
      headers: {},
      encode: encodeChatCompletions,
      decode: decodeChatCompletions,
      unreachableMessage: `ollama: cannot reach ${host}; start ollama or set OLLAMA_HOST`,
    },
    env,
  );
}

/** OLLAMA_HOST is often written bare (`0.0.0.0:11434`), as ollama itself accepts. */
export function normalizeHost(host: string): string {
  const withScheme = /^[a-z]+:\/\//i.test(host) ? host : `http://${host}`;
  return withScheme.replace(/\/+$/, "");
}
