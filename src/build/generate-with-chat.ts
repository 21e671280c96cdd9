import { cacheKey, type ResponseCache } from "../cache/response-cache.js";
import { GateError, SpecPromptError } from "../errors.js";
import type {
  ChatProvider,
  ChatRequest,
  ChatResponse,
  Message,
  ModelParams,
  ToolResult,
} from "../providers/types.js";
import type { AssembledPrompt } from "./assemble-prompt.js";
import { WRITE_FILE_TOOL } from "./assemble-prompt.js";
import { normalize, type OutputGuard } from "./output-guard.js";
import { parseFencedFiles } from "./parse-fenced-files.js";

/** What one unit's generation produced. */
export interface UnitGeneration {
  /** Output path (relative to out) → content. */
  files: Map<string, string>;
  /** Cache keys of every request, in order. */
  requests: string[];
  /** Tokens of every response that made these files, cached or not (what the lock records). */
  usage: { input: number; output: number };
  /** Tokens this run actually spent: responses that did not come from the cache. */
  spent: { input: number; output: number };
  /** Writes that were refused, with the reason. */
  refused: string[];
  /** How many of the requests were answered from the cache. */
  cached: number;
}

export interface ChatGenerationOptions {
  unit: string;
  /** Full model id (`openai:gpt-4o-mini`). */
  modelId: string;
  params: ModelParams;
  prompt: AssembledPrompt;
  guard: OutputGuard;
  cache: ResponseCache;
  offline: boolean;
  getProvider: () => Promise<ChatProvider>;
  /** Tool round-trips before giving up on a model that never stops calling tools. */
  maxTurns?: number;
  /** A refinement round: one more user message after the original two. */
  followUp?: string;
  /** A refinement may change nothing; a first generation must write something. */
  allowNoFiles?: boolean;
  signal?: AbortSignal;
  onRequest?: (event: { cached: boolean; usage: { input: number; output: number } }) => void;
}

/** The key of a chat request: the provider-qualified model plus everything that is sent. */
export function chatCacheKey(modelId: string, request: ChatRequest): string {
  return cacheKey({
    kind: "chat",
    model: modelId,
    messages: request.messages,
    tools: request.tools,
    params: request.params,
  });
}

/**
 * Ask a chat model for a unit's files: write_file calls are checked by the guard and answered with
 * tool results (refusals included) until the model stops calling tools. Every response is cached.
 */
export async function generateWithChat(options: ChatGenerationOptions): Promise<UnitGeneration> {
  const modelName = options.modelId.slice(options.modelId.indexOf(":") + 1);
  const messages: Message[] = [
    { role: "system", content: options.prompt.system },
    { role: "user", content: options.prompt.user },
  ];
  if (options.followUp !== undefined) messages.push({ role: "user", content: options.followUp });
  const result: UnitGeneration = {
    files: new Map(),
    requests: [],
    usage: { input: 0, output: 0 },
    spent: { input: 0, output: 0 },
    refused: [],
    cached: 0,
  };
  const maxTurns = options.maxTurns ?? 24;
  let lastText = "";
  for (let turn = 0; turn < maxTurns; turn++) {
    const request: ChatRequest = {
      model: modelName,
      messages: [...messages],
      tools: [WRITE_FILE_TOOL],
      params: options.params,
    };
    const { response, key, cached } = await completeCached(options, request);
    result.requests.push(key);
    result.usage.input += response.usage.inputTokens;
    result.usage.output += response.usage.outputTokens;
    if (cached) result.cached++;
    else {
      result.spent.input += response.usage.inputTokens;
      result.spent.output += response.usage.outputTokens;
    }
    options.onRequest?.({
      cached,
      usage: { input: response.usage.inputTokens, output: response.usage.outputTokens },
    });
    lastText = response.text;
    if (response.toolCalls.length === 0) break;
    const results: ToolResult[] = response.toolCalls.map((call) => {
      const outcome = applyWriteCall(call.name, call.input, options.guard, result);
      return { id: call.id, name: call.name, output: outcome.message, isError: !outcome.ok };
    });
    messages.push({ role: "assistant", content: response.text, toolCalls: response.toolCalls });
    messages.push({ role: "tool", results });
  }
  if (result.files.size === 0) {
    for (const file of parseFencedFiles(lastText)) applyWriteCall("write_file", file, options.guard, result);
  }
  if (result.files.size === 0 && !options.allowNoFiles) {
    const said = lastText.trim().slice(0, 300);
    throw new GateError("E_MODEL_OUTPUT", `unit ${options.unit}: ${options.modelId} wrote no files`, {
      hint: [
        result.refused.length > 0 ? `refused: ${result.refused.join("; ")}` : undefined,
        said ? `the model said: ${said}` : "the model sent an empty reply",
      ]
        .filter(Boolean)
        .join("\n  "),
    });
  }
  return result;
}

/** What a cached chat call needs: which model, where to look, whether asking is allowed. */
export interface CachedCallOptions {
  unit: string;
  modelId: string;
  cache: ResponseCache;
  offline: boolean;
  getProvider: () => Promise<ChatProvider>;
  signal?: AbortSignal;
  /** How the command is named in the --offline miss message ("build", "absorb"). */
  command?: string;
}

/**
 * One chat request through the response cache: a hit is answered from it, a miss asks the model
 * (unless offline) and is stored under the key of the full request.
 */
export async function completeCached(
  options: CachedCallOptions,
  request: ChatRequest,
): Promise<{ response: ChatResponse; key: string; cached: boolean }> {
  const key = chatCacheKey(options.modelId, request);
  const hit = await options.cache.get<ChatRequest, ChatResponse>(key);
  if (hit) return { response: hit.response, key, cached: true };
  if (options.offline) {
    const command = options.command ?? "build";
    throw new SpecPromptError(
      "E_CACHE_MISS",
      `unit ${options.unit}: no cached response for this ${command === "build" ? "" : `${command} `}request and --offline is set`,
      {
        hint: `cache key ${key.slice(0, 12)}; run ${command} without --offline to ask ${options.modelId}, or restore .specprompt/cache from version control`,
      },
    );
  }
  const provider = await options.getProvider();
  const response = await provider.complete(request, { signal: options.signal });
  await options.cache.put({ key, request: { provider: options.modelId, ...request }, response });
  return { response, key, cached: false };
}

function applyWriteCall(
  name: string,
  input: unknown,
  guard: OutputGuard,
  result: UnitGeneration,
): { ok: boolean; message: string } {
  if (name !== WRITE_FILE_TOOL.name)
    return { ok: false, message: `unknown tool ${name}; the only tool is write_file` };
  if (typeof input !== "object" || input === null) {
    return { ok: false, message: "write_file takes a JSON object { path, content }" };
  }
  const { path, content } = input as { path?: unknown; content?: unknown };
  if (typeof content !== "string") return { ok: false, message: "write_file needs content as a string" };
  const refusal = guard.check(path);
  if (refusal) {
    result.refused.push(refusal);
    return { ok: false, message: `refused: ${refusal}` };
  }
  const clean = normalize(path as string);
  result.files.set(clean, content);
  return { ok: true, message: `wrote ${clean} (${Buffer.byteLength(content)} bytes)` };
}
