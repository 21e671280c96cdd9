/** The anthropic: driver: Anthropic's Messages API. */
import { SpecPromptError } from "../errors.js";
import { decodeMessages, encodeMessages } from "./anthropic-wire.js";
import { createChatProvider } from "./chat-provider.js";
import type { ChatProvider, ProviderEnv } from "./types.js";

const DEFAULT_BASE_URL = "https://api.anthropic.com/v1";
/** The API version we speak, sent with every request. */
const ANTHROPIC_VERSION = "2023-06-01";

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
  const baseURL = (customURL ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
  const headers: Record<string, string> = { "anthropic-version": ANTHROPIC_VERSION };
  if (apiKey) headers["x-api-key"] = apiKey;
  return createChatProvider(
    {
      provider: "anthropic",
      model,
      url: `${baseURL}/messages`,
      headers,
      encode: encodeMessages,
      decode: decodeMessages,
      unreachableMessage: `anthropic: cannot reach ${baseURL} (connection refused); check ANTHROPIC_BASE_URL`,
      keyVariable: "ANTHROPIC_API_KEY",
    },
    env,
  );
}
