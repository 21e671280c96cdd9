/**
 * What every HTTP chat driver shares: message mapping, retries with a per-attempt timeout, and
 * turning SDK failures into SpecPromptErrors that say what to do. A driver only supplies the
 * SDK model and its wording for configuration problems.
 */
import type { LanguageModelV3 } from "@ai-sdk/provider";
import { EXIT_GATE, SpecPromptError } from "../errors.js";
import { RetryError, withRetry } from "./retry.js";
import { readGenerateResult, toCallOptions } from "./sdk-mapping.js";
import type { CallOptions, ChatProvider, ChatRequest, ChatResponse, ProviderEnv } from "./types.js";

/** What a driver tells createChatProvider. */
export interface ChatDriver {
  /** The provider prefix, e.g. `openai`. */
  provider: string;
  /** The model name after the prefix. */
  model: string;
  /** The SDK model for a model name. */
  languageModel(model: string): LanguageModelV3;
  /** Used when the request sets no maxTokens (Anthropic requires one). */
  defaultMaxTokens?: number;
  /** The one line to show when nothing listens at the configured address. */
  unreachableMessage: string;
  /** The variable holding the key, named when the server rejects it. */
  keyVariable?: string;
}

/** A ChatProvider over an AI SDK LanguageModelV3, with our retries and error wording. */
export function createChatProvider(driver: ChatDriver, env: ProviderEnv): ChatProvider {
  const id = `${driver.provider}:${driver.model}`;
  return {
    kind: "chat",
    id,
    async complete(request: ChatRequest, options: CallOptions = {}): Promise<ChatResponse> {
      const model = driver.languageModel(request.model || driver.model);
      const callOptions = toCallOptions(request, driver.defaultMaxTokens);
      try {
        const result = await withRetry((abortSignal) => model.doGenerate({ ...callOptions, abortSignal }), {
          maxRetries: env.maxRetries,
          timeoutMs: env.timeoutMs,
          signal: options.signal,
          sleep: env.sleep,
          onRetry: (event) => env.onRetry?.({ provider: id, ...event }),
        });
        return readGenerateResult(result);
      } catch (error) {
        throw error instanceof RetryError ? describeFailure(id, driver, env, error) : error;
      }
    },
  };
}

/** One clear SpecPromptError for the way the call failed. */
export function describeFailure(
  id: string,
  driver: ChatDriver,
  env: ProviderEnv,
  error: RetryError,
): SpecPromptError {
  const { failure, attempts } = error;
  const cause = error.cause;
  const tries = `${attempts} attempt${attempts === 1 ? "" : "s"}`;
  const detail = cleanDetail(cause);
  if (failure.kind === "refused")
    return new SpecPromptError("E_PROVIDER_CONFIG", driver.unreachableMessage, { cause });
  const gate = { cause, exitCode: EXIT_GATE };
  if (failure.kind === "timeout") {
    return new SpecPromptError("E_PROVIDER", `${id} did not answer within ${env.timeoutMs} ms (${tries})`, {
      ...gate,
      hint: "raise the timeout, or check that the server is not overloaded",
    });
  }
  if (failure.kind === "network") {
    return new SpecPromptError("E_PROVIDER", `${id} failed: ${failure.reason} (${tries})`, gate);
  }
  if (failure.kind === "http" && failure.status !== undefined) {
    const status = failure.status;
    if (status >= 200 && status < 300) {
      return new SpecPromptError("E_PROVIDER", `${id} returned a malformed response: ${detail}`, gate);
    }
    if ((status === 401 || status === 403) && driver.keyVariable) {
      return new SpecPromptError(
        "E_PROVIDER_CONFIG",
        `${id} rejected the credentials (HTTP ${status}); check ${driver.keyVariable}`,
        { cause },
      );
    }
    if (failure.retryable) {
      return new SpecPromptError(
        "E_PROVIDER",
        `${id} failed with HTTP ${status} after ${tries}: ${detail}`,
        gate,
      );
    }
    return new SpecPromptError("E_PROVIDER", `${id} rejected the request (HTTP ${status}): ${detail}`, gate);
  }
  // Anything else thrown while reading a 200 (schema or JSON errors) is a response we cannot use.
  return new SpecPromptError("E_PROVIDER", `${id} returned a malformed response: ${detail}`, gate);
}

/** The most useful short text of an SDK error: its message and, for schema errors, the cause. */
function cleanDetail(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : "";
  const text = cause && !message.includes(cause) ? `${message}: ${cause}` : message;
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > 300 ? `${oneLine.slice(0, 300)}...` : oneLine;
}
