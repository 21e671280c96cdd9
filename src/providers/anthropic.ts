/** The anthropic: driver: Anthropic's Messages API. */
import { createAnthropic } from "@ai-sdk/anthropic";
import { SpecPromptError } from "../errors.js";
import { createChatProvider } from "./chat-provider.js";
import type { ChatProvider, ProviderEnv } from "./types.js";

const DEFAULT_BASE_URL = "https://api.anthropic.com/v1";
/** The Messages API requires max_tokens; this is used when the request sets none. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 8192;

/** A ChatProvider for `anthropic:<model>`, configured from ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL. */
export function createAnthropicProvider(model: string, env: ProviderEnv): ChatProvider {
  const apiKey = env.env.ANTHROPIC_API_KEY || undefined;
  const customURL = env.env.ANTHROPIC_BASE_URL || undefined;
  // A proxy at a custom address may hold the key itself; api.anthropic.com always needs one.
  if (!apiKey && !customURL) {
    throw new SpecPromptError(
      "E_PROVIDER_CONFIG",
      "anthropic: ANTHROPIC_API_KEY is not set; export it, or set ANTHROPIC_BASE_URL for a compatible proxy",
    );
  }
  const baseURL = customURL ?? DEFAULT_BASE_URL;
  // Both settings are always passed so the SDK never reads process.env behind our back.
  const sdk = createAnthropic({ baseURL, apiKey: apiKey ?? "" });
  return createChatProvider(
    {
      provider: "anthropic",
      model,
      languageModel: (name) => sdk.messages(name),
      defaultMaxTokens: ANTHROPIC_DEFAULT_MAX_TOKENS,
      unreachableMessage: `anthropic: cannot reach ${baseURL} (connection refused); check ANTHROPIC_BASE_URL`,
      keyVariable: "ANTHROPIC_API_KEY",
    },
    env,
  );
}
