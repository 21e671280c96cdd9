/**
 * What every HTTP chat driver shares: the POST, retries with a per-attempt timeout, and turning
 * failures into SpecPromptErrors that say what to do. A driver only supplies its endpoint, its
 * wire format and its wording for configuration problems.
 */
import { EXIT_GATE, SpecPromptError } from "../errors.js";
import { postJson } from "./http-post.js";
import { RetryError, withRetry } from "./retry.js";
import type { CallOptions, ChatProvider, ChatRequest, ChatResponse, ProviderEnv } from "./types.js";

/** What a driver tells createChatProvider. */
export interface ChatDriver {
  /** The provider prefix, e.g. `openai`. */
  provider: string;
  /** The model name after the prefix. */
  model: string;
  /** Where requests are POSTed. */
  url: string;
  /** Sent with every request (credentials, API version). */
  headers: Record<string, string>;
  /** The wire body for a request. */
  encode(request: ChatRequest, model: string): unknown;
  /** The neutral response of a 2xx body; throws MalformedResponseError when it is off-shape. */
  decode(body: unknown): ChatResponse;
  /** The one line to show when nothing listens at the configured address. */
  unreachableMessage: string;
  /** The variable holding the key, named when the server rejects it. */
  keyVariable?: string;
}

/** A ChatProvider over a driver's wire format, with our retries and error wording. */
export function createChatProvider(driver: ChatDriver, env: ProviderEnv): ChatProvider {
  const id = `${driver.provider}:${driver.model}`;
  if (!/^https?:\/\/[^/]/i.test(driver.url) || !URL.canParse(driver.url)) {
    throw new SpecPromptError(
      "E_PROVIDER_CONFIG",
      `${driver.provider}: ${driver.url} is not an http(s) URL; check the base URL setting`,
    );
  }
  return {
    kind: "chat",
    id,
    async complete(request: ChatRequest, options: CallOptions = {}): Promise<ChatResponse> {
      const body = driver.encode(request, request.model || driver.model);
      try {
        return await withRetry(
          async (signal) =>
            driver.decode(await postJson(driver.url, body, { headers: driver.headers, signal })),
          {
            maxRetries: env.maxRetries,
            timeoutMs: env.timeoutMs,
            signal: options.signal,
            sleep: env.sleep,
            onRetry: (event) => env.onRetry?.({ provider: id, ...event }),
          },
        );
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

/** The most useful short text of an error: its message and, when it wraps one, the cause's. */
function cleanDetail(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : "";
  const text = cause && !message.includes(cause) ? `${message}: ${cause}` : message;
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > 300 ? `${oneLine.slice(0, 300)}...` : oneLine;
}
