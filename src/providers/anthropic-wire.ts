/** The Anthropic Messages wire format: our neutral request in, our neutral response out. */
import { MalformedResponseError } from "./http-post.js";
import { count, isPlainObject } from "./openai-wire.js";
import type { ChatRequest, ChatResponse, Message, ToolCall } from "./types.js";

/** The Messages API requires max_tokens; this is used when the request sets none. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 8192;

type Block = Record<string, unknown>;
interface WireMessage {
  role: "user" | "assistant";
  content: Block[];
}

/** The request body for `POST {base}/messages`. The Messages API has no seed; it is not sent. */
export function encodeMessages(request: ChatRequest, model: string): Record<string, unknown> {
  const system: Block[] = [];
  const messages: WireMessage[] = [];
  const push = (role: WireMessage["role"], blocks: Block[]) => {
    const last = messages.at(-1);
    // Consecutive turns of one role are merged: the API wants user and assistant to alternate.
    if (last?.role === role) last.content.push(...blocks);
    else messages.push({ role, content: blocks });
  };
  for (const message of request.messages) pushMessage(message, system, push);
  const { temperature, topP, maxTokens } = request.params;
  const body: Record<string, unknown> = {
    model,
    max_tokens: maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
    messages,
  };
  if (system.length > 0) body.system = system;
  if (temperature !== undefined) body.temperature = temperature;
  if (topP !== undefined) body.top_p = topP;
  if (request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      name: tool.name,
      description: tool.description,
      input_schema: tool.inputSchema,
    }));
    body.tool_choice = { type: "auto" };
  }
  return body;
}

function pushMessage(
  message: Message,
  system: Block[],
  push: (role: WireMessage["role"], blocks: Block[]) => void,
): void {
  switch (message.role) {
    case "system":
      system.push({ type: "text", text: message.content });
      return;
    case "user":
      push("user", [{ type: "text", text: message.content }]);
      return;
    case "assistant": {
      const blocks: Block[] = message.content === "" ? [] : [{ type: "text", text: message.content }];
      for (const call of message.toolCalls ?? []) {
        blocks.push({
          type: "tool_use",
          id: call.id,
          name: call.name,
          input: isPlainObject(call.input) ? call.input : {},
        });
      }
      push("assistant", blocks);
      return;
    }
    case "tool":
      push(
        "user",
        message.results.map((result) => ({
          type: "tool_result",
          tool_use_id: result.id,
          content: result.output,
          ...(result.isError && { is_error: true }),
        })),
      );
  }
}

const STOP_REASONS: Record<string, string> = {
  end_turn: "stop",
  stop_sequence: "stop",
  tool_use: "tool-calls",
  max_tokens: "length",
  refusal: "content-filter",
};

/** The neutral response of a Messages answer; anything off-shape is malformed. */
export function decodeMessages(body: unknown): ChatResponse {
  const content = (body as { content?: unknown })?.content;
  if (!Array.isArray(content)) throw new MalformedResponseError("the answer has no content list");
  let text = "";
  const toolCalls: ToolCall[] = [];
  for (const [index, block] of content.entries()) {
    if (!isPlainObject(block)) throw new MalformedResponseError(`content block ${index} is not an object`);
    if (block.type === "text" && typeof block.text === "string") text += block.text;
    if (block.type === "tool_use") {
      if (typeof block.name !== "string") {
        throw new MalformedResponseError(`tool_use block ${index} has no name`);
      }
      toolCalls.push({
        id: typeof block.id === "string" && block.id ? block.id : `toolu_${index}`,
        name: block.name,
        input: block.input ?? {},
      });
    }
  }
  const usage = (body as { usage?: Record<string, unknown> }).usage;
  const reason = (body as { stop_reason?: unknown }).stop_reason;
  return {
    text,
    toolCalls,
    usage: {
      // Cached prompt tokens are still input tokens of this request.
      inputTokens:
        count(usage?.input_tokens) +
        count(usage?.cache_creation_input_tokens) +
        count(usage?.cache_read_input_tokens),
      outputTokens: count(usage?.output_tokens),
    },
    finishReason: (typeof reason === "string" && STOP_REASONS[reason]) || "other",
  };
}
