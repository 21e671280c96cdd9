/**
 * The Chat Completions wire format (OpenAI, and every server that speaks it: vLLM, llama.cpp,
 * LM Studio, OpenRouter, ollama's /v1): our neutral request in, our neutral response out.
 */
import { MalformedResponseError } from "./http-post.js";
import { parseToolInput } from "./tool-input.js";
import type { ChatRequest, ChatResponse, Message, ToolCall } from "./types.js";

/** The request body for `POST {base}/chat/completions`. */
export function encodeChatCompletions(request: ChatRequest, model: string): Record<string, unknown> {
  const body: Record<string, unknown> = { model, messages: request.messages.flatMap(toWireMessages) };
  const { temperature, topP, maxTokens, seed } = request.params;
  if (temperature !== undefined) body.temperature = temperature;
  if (topP !== undefined) body.top_p = topP;
  if (maxTokens !== undefined) body.max_tokens = maxTokens;
  if (seed !== undefined) body.seed = seed;
  if (request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: "function",
      function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
    }));
    body.tool_choice = "auto";
  }
  return body;
}

function toWireMessages(message: Message): Record<string, unknown>[] {
  switch (message.role) {
    case "system":
    case "user":
      return [{ role: message.role, content: message.content }];
    case "assistant": {
      const calls = message.toolCalls ?? [];
      const wire: Record<string, unknown> = { role: "assistant", content: message.content };
      if (calls.length > 0) {
        wire.tool_calls = calls.map((call) => ({
          id: call.id,
          type: "function",
          // Input that was not a JSON object goes back as `{}`: the API takes nothing else here.
          function: {
            name: call.name,
            arguments: JSON.stringify(isPlainObject(call.input) ? call.input : {}),
          },
        }));
      }
      return [wire];
    }
    case "tool":
      return message.results.map((result) => ({
        role: "tool",
        tool_call_id: result.id,
        content: result.output,
      }));
  }
}

const FINISH_REASONS: Record<string, string> = {
  stop: "stop",
  tool_calls: "tool-calls",
  function_call: "tool-calls",
  length: "length",
  content_filter: "content-filter",
};

/** The neutral response of a Chat Completions answer; anything off-shape is malformed. */
export function decodeChatCompletions(body: unknown): ChatResponse {
  const choice = (body as { choices?: unknown })?.choices;
  const first = Array.isArray(choice) ? (choice[0] as Record<string, unknown> | undefined) : undefined;
  const message = first?.message as Record<string, unknown> | undefined;
  if (!isPlainObject(message)) {
    throw new MalformedResponseError("the answer has no choices[0].message");
  }
  const content = message.content;
  if (content !== null && content !== undefined && typeof content !== "string") {
    throw new MalformedResponseError("choices[0].message.content is not a string");
  }
  const toolCalls: ToolCall[] = [];
  const wireCalls = message.tool_calls ?? [];
  if (!Array.isArray(wireCalls))
    throw new MalformedResponseError("choices[0].message.tool_calls is not a list");
  for (const [index, call] of wireCalls.entries()) {
    const fn = (call as { function?: { name?: unknown; arguments?: unknown } })?.function;
    if (typeof fn?.name !== "string") {
      throw new MalformedResponseError(`tool call ${index} has no function name`);
    }
    const id = (call as { id?: unknown }).id;
    toolCalls.push({
      id: typeof id === "string" && id ? id : `call_${index}`,
      name: fn.name,
      input: typeof fn.arguments === "string" ? parseToolInput(fn.arguments) : (fn.arguments ?? {}),
    });
  }
  const usage = (body as { usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } }).usage;
  const reason = first?.finish_reason;
  return {
    text: content ?? "",
    toolCalls,
    usage: { inputTokens: count(usage?.prompt_tokens), outputTokens: count(usage?.completion_tokens) },
    finishReason: (typeof reason === "string" && FINISH_REASONS[reason]) || "other",
  };
}

export function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : 0;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
