/**
 * Every model call of an eval run goes through here: the response cache (keyed by the full
 * request, repeat index included), sharing of identical requests in flight, and the scheduler.
 * Providers are created on the first cache miss, so a fully cached run never loads a driver.
 */

import { SpecPromptError } from "../errors.js";
import type { ChatProvider, ChatResponse, ModelParams, Provider, Usage } from "../providers/types.js";
import { sha256 } from "../util/hash.js";
import type { ResponseLog } from "./response-log.js";
import type { Scheduler } from "./scheduler.js";
import type { PromptMessage } from "./types.js";

/** Bumped when the meaning of a cached eval response changes. */
const EVAL_CACHE_FORMAT = 1;

export interface ModelCall {
  /** Full model id, `openai:gpt-4o-mini`. */
  model: string;
  messages: PromptMessage[];
  params: ModelParams;
  /** The repeat index: each repeat of a case is its own request. */
  repeat?: number;
  /** Grader calls are kept apart from prompt calls with the same messages. */
  purpose?: "grade";
}

export interface ModelReply {
  text: string;
  usage: Usage;
  finishReason: string;
  /** Of the attempt that answered; the recorded one when cached. */
  latencyMs: number;
  cached: boolean;
}

interface StoredReply {
  text: string;
  usage: Usage;
  finishReason: string;
  latencyMs: number;
}

export interface ModelCaller {
  complete(call: ModelCall): Promise<ModelReply>;
  readonly stats: { calls: number; cached: number };
}

export interface ModelCallerOptions {
  /** Undefined with --no-cache: nothing is read or written, identical requests in flight still share. */
  cache?: Pick<ResponseLog, "get" | "put">;
  scheduler: Scheduler;
  /** Creates the provider of a model id (createProvider with maxRetries 0). */
  createProvider(model: string): Promise<Provider>;
  now?: () => number;
}

/**
 * The cache key of an eval call: sha256 of the request's canonical text, which is stored beside
 * the response so a cached line says exactly what was asked. Messages are our own
 * `{ role, content }` objects, written as pairs with plain JSON.stringify; only the small params
 * object needs its keys sorted.
 */
export function evalRequestKey(call: ModelCall): { key: string; request: string } {
  const messages = call.messages.map((message) => [message.role, message.content]);
  const request = JSON.stringify([
    EVAL_CACHE_FORMAT,
    call.model,
    sortKeys(call.params),
    call.repeat ?? 0,
    call.purpose ?? "",
    messages,
  ]);
  return { key: sha256(request), request };
}

/** A flat object with its keys in order, so the same params always give the same text. */
function sortKeys(params: ModelParams): ModelParams {
  const keys = Object.keys(params);
  if (keys.every((key, i) => i === 0 || keys[i - 1]! < key)) return params;
  return Object.fromEntries(keys.sort().map((key) => [key, params[key as keyof ModelParams]]));
}

export function createModelCaller(options: ModelCallerOptions): ModelCaller {
  const now = options.now ?? performance.now.bind(performance);
  const providers = new Map<string, Promise<ChatProvider>>();
  const ready = new Map<string, ChatProvider>();
  const inFlight = new Map<string, Promise<ModelReply>>();
  const stats = { calls: 0, cached: 0 };

  const providerFor = (model: string) => {
    let provider = providers.get(model);
    if (!provider) {
      provider = options.createProvider(model).then((created) => {
        if (created.kind !== "chat") {
          throw new SpecPromptError(
            "E_PROVIDER_CONFIG",
            `eval needs a chat model; ${model} is a coding agent`,
            { hint: "use an openai:, anthropic: or ollama: model for runtime prompts" },
          );
        }
        ready.set(model, created);
        return created;
      });
      providers.set(model, provider);
    }
    return provider;
  };

  const fetchReply = async (call: ModelCall, key: string, request: string): Promise<ModelReply> => {
    const provider = ready.get(call.model) ?? (await providerFor(call.model));
    stats.calls++;
    const name = call.model.slice(call.model.indexOf(":") + 1);
    const reply = await options.scheduler.run(async (signal) => {
      const started = now();
      const response: ChatResponse = await provider.complete(
        { model: name, messages: call.messages, tools: [], params: call.params },
        { signal },
      );
      return {
        text: response.text,
        usage: response.usage,
        finishReason: response.finishReason,
        latencyMs: Math.round(now() - started),
      };
    });
    options.cache?.put(key, reply, request);
    return { ...reply, cached: false };
  };

  return {
    stats,
    complete(call) {
      const { key, request } = evalRequestKey(call);
      const hit = options.cache?.get<StoredReply>(key);
      if (hit) {
        stats.cached++;
        return Promise.resolve({ ...hit, cached: true });
      }
      const running = inFlight.get(key);
      if (running) {
        stats.cached++;
        return running.then((reply) => ({ ...reply, cached: true }));
      }
      const reply = fetchReply(call, key, request).finally(() => inFlight.delete(key));
      inFlight.set(key, reply);
      return reply;
    },
  };
}
