/**
 * Turns a model id (`provider:model`) into a Provider. Drivers are imported on first use so a
 * command that never calls a model never loads a provider (startup time matters).
 */
import { SpecPromptError } from "../errors.js";
import type { Provider, ProviderEnv } from "./types.js";

/** The provider prefixes a model id may start with. */
export const KNOWN_PROVIDERS = ["openai", "anthropic", "ollama", "cmd"] as const;

/** A parsed model id. */
export interface ModelRef {
  provider: (typeof KNOWN_PROVIDERS)[number];
  model: string;
}

/** Splits `provider:model` at the first colon; E_PROVIDER_CONFIG when it does not name a known provider. */
export function parseModelId(modelId: string): ModelRef {
  const colon = modelId.indexOf(":");
  const provider = colon === -1 ? "" : modelId.slice(0, colon);
  const model = colon === -1 ? "" : modelId.slice(colon + 1).trim();
  const known = KNOWN_PROVIDERS.join(", ");
  if (!KNOWN_PROVIDERS.includes(provider as ModelRef["provider"])) {
    const what =
      colon === -1 ? `model id "${modelId}" has no provider prefix` : `unknown provider "${provider}"`;
    throw new SpecPromptError("E_PROVIDER_CONFIG", `${what}; use one of ${known} (e.g. openai:gpt-4o-mini)`);
  }
  if (model === "") {
    throw new SpecPromptError(
      "E_PROVIDER_CONFIG",
      `model id "${modelId}" names no model after "${provider}:"`,
    );
  }
  return { provider: provider as ModelRef["provider"], model };
}

/** The Provider for a model id, with its driver loaded lazily. */
export async function createProvider(modelId: string, env: ProviderEnv): Promise<Provider> {
  const { provider, model } = parseModelId(modelId);
  switch (provider) {
    case "openai":
      return (await import("./openai.js")).createOpenAIProvider(model, env);
    case "anthropic":
      return (await import("./anthropic.js")).createAnthropicProvider(model, env);
    case "ollama":
      return (await import("./ollama.js")).createOllamaProvider(model, env);
    case "cmd":
      return (await import("./cmd.js")).createCmdProvider(model, env);
  }
}
