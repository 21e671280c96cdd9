/**
 * Translation between our neutral chat types and the AI SDK's LanguageModelV3 types, so each
 * protocol's wire format stays the SDK's business.
 */
import type {
  LanguageModelV3CallOptions,
  LanguageModelV3FunctionTool,
  LanguageModelV3GenerateResult,
  LanguageModelV3Message,
} from "@ai-sdk/provider";
import type { ChatRequest, ChatResponse, Message, ToolCall, ToolSpec } from "./types.js";

/** The V3 call options for a request, without the abort signal. */
export function toCallOptions(request: ChatRequest, defaultMaxTokens?: number): LanguageModelV3CallOptions {
  const { temperature, topP, maxTokens, seed } = request.params;
  const options: LanguageModelV3CallOptions = { prompt: request.messages.map(toPromptMessage) };
  if (temperature !== undefined) options.temperature = temperature;
  if (topP !== undefined) options.topP = topP;
  if (seed !== undefined) options.seed = seed;
  const maxOutputTokens = maxTokens ?? defaultMaxTokens;
  if (maxOutputTokens !== undefined) options.maxOutputTokens = maxOutputTokens;
  if (request.tools.length > 0) {
    options.tools = request.tools.map(toFunctionTool);
    options.toolChoice = { type: "auto" };
  }
  return options;
}

/** One neutral message as a V3 prompt message. */
export function toPromptMessage(message: Message): LanguageModelV3Message {
  switch (message.role) {
    case "system":
      return { role: "system", content: message.content };
    case "user":
      return { role: "user", content: [{ type: "text", text: message.content }] };
    case "assistant": {
      const content: Extract<LanguageModelV3Message, { role: "assistant" }>["content"] = [];
      if (message.content !== "") content.push({ type: "text", text: message.content });
      for (const call of message.toolCalls ?? []) {
        // Unparseable input comes back as a string; both APIs only take an object here.
        const input = isPlainObject(call.input) ? call.input : {};
        content.push({ type: "tool-call", toolCallId: call.id, toolName: call.name, input });
      }
      return { role: "assistant", content };
    }
    case "tool":
      return {
        role: "tool",
        content: message.results.map((result) => ({
          type: "tool-result" as const,
          toolCallId: result.id,
          toolName: result.name,
          output: result.isError
            ? { type: "error-text" as const, value: result.output }
            : { type: "text" as const, value: result.output },
        })),
      };
  }
}

/** A neutral tool as a V3 function tool. */
export function toFunctionTool(tool: ToolSpec): LanguageModelV3FunctionTool {
  return {
    type: "function",
    name: tool.name,
    description: tool.description,
    inputSchema: tool.inputSchema as LanguageModelV3FunctionTool["inputSchema"],
  };
}

/** The neutral response for a V3 result: joined text, parsed tool calls, usage, finish reason. */
export function readGenerateResult(result: LanguageModelV3GenerateResult): ChatResponse {
  let text = "";
  const toolCalls: ToolCall[] = [];
  for (const part of result.content) {
    if (part.type === "text") text += part.text;
    if (part.type === "tool-call") {
      toolCalls.push({ id: part.toolCallId, name: part.toolName, input: parseToolInput(part.input) });
    }
  }
  const reason: unknown = result.finishReason;
  return {
    text,
    toolCalls,
    usage: {
      inputTokens: result.usage?.inputTokens?.total ?? 0,
      outputTokens: result.usage?.outputTokens?.total ?? 0,
    },
    // V3 reports { unified, raw }; older shapes were a bare string.
    finishReason: typeof reason === "string" ? reason : (result.finishReason?.unified ?? "other"),
  };
}

/** The JSON-decoded tool input, or the raw string when it is not JSON (the caller validates). */
export function parseToolInput(input: string): unknown {
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
