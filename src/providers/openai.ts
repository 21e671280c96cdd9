/** The openai: driver: OpenAI and every server that speaks its Chat Completions protocol. */
import { SpecPromptError } from "../errors.js";
import { createChatProvider } from "./chat-provider.js";
import { decodeChatCompletions, encodeChatCompletions } from "./openai-wire.js";
import type { ChatProvider, ProviderEnv } from "./types.js";

const DEFAULT_BASE_URL = "https://api.openai.com/v1";

/** A ChatProvider for `openai:<model>`, configured from OPENAI_API_KEY and OPENAI_BASE_URL. */
export function createOpenAIProvider(model: string, env: ProviderEnv): ChatProvider {
  const apiKey = env.env.OPENAI_API_KEY || undefined;
  const customURL = env.env.OPENAI_BASE_URL || undefined;
  // Local OpenAI-compatible servers usually need no key; api.openai.com always does.
  if (!apiKey && !customURL) {
    throw new SpecPromptError(
      "E_PROVIDER_CONFIG",
      "openai: OPENAI_API_KEY is not set; export it, or set OPENAI_BASE_URL for an OpenAI-compatible server",
    );
  }
  const baseURL = (customURL ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
  return createChatProvider(
    {
      provider: "openai",
      model,
      url: `${baseURL}/chat/completions`,
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
      encode: encodeChatCompletions,
      decode: decodeChatCompletions,
      unreachableMessage: `openai: cannot reach ${baseURL} (connection refused); check OPENAI_BASE_URL`,
      keyVariable: "OPENAI_API_KEY",
    },
    env,
  );
}
