import { completeCached } from "../build/generate-with-chat.js";
import type { ResponseCache } from "../cache/response-cache.js";
import { GateError } from "../errors.js";
import type { ChatProvider, ChatRequest, Message, ModelParams, ToolResult } from "../providers/types.js";
import type { AbsorbPrompt } from "./absorb-prompt.js";
import { type AmendableLayer, checkAmendmentCall, PROPOSE_AMENDMENT_TOOL } from "./amendment-tool.js";

/** What the model proposed for one unit. */
export interface ProposedAmendment {
  /** Package-relative path → complete new content; only files whose content changes. */
  files: Map<string, string>;
  /** The model's closing sentence. */
  summary: string;
  /** Calls that were refused, with the reason. */
  refused: string[];
  /** Cache keys of every request, in order. */
  requests: string[];
  cached: number;
  usage: { input: number; output: number };
}

export interface ProposeOptions {
  unit: string;
  modelId: string;
  params: ModelParams;
  prompt: AbsorbPrompt;
  layers: readonly AmendableLayer[];
  cache: ResponseCache;
  offline: boolean;
  getProvider: () => Promise<ChatProvider>;
  maxTurns?: number;
  signal?: AbortSignal;
}

/**
 * Ask a chat model for an amendment: propose_amendment calls are checked against the unit's
 * amendable layers and answered (refusals included) until the model stops calling tools. Every
 * exchange goes through the response cache, keyed as a build's are, so `--offline` replays it.
 */
export async function proposeAmendment(options: ProposeOptions): Promise<ProposedAmendment> {
  const model = options.modelId.slice(options.modelId.indexOf(":") + 1);
  const messages: Message[] = [
    { role: "system", content: options.prompt.system },
    { role: "user", content: options.prompt.user },
  ];
  const result: ProposedAmendment = {
    files: new Map(),
    summary: "",
    refused: [],
    requests: [],
    cached: 0,
    usage: { input: 0, output: 0 },
  };
  for (let turn = 0; turn < (options.maxTurns ?? 8); turn++) {
    const request: ChatRequest = {
      model,
      messages: [...messages],
      tools: [PROPOSE_AMENDMENT_TOOL],
      params: options.params,
    };
    const { response, key, cached } = await completeCached({ ...options, command: "absorb" }, request);
    result.requests.push(key);
    if (cached) result.cached++;
    result.usage.input += response.usage.inputTokens;
    result.usage.output += response.usage.outputTokens;
    result.summary = response.text.trim();
    if (response.toolCalls.length === 0) break;
    const results: ToolResult[] = response.toolCalls.map((call) => {
      const check = checkAmendmentCall(call.name, call.input, options.layers);
      if (!check.ok) {
        result.refused.push(check.message);
        return { id: call.id, name: call.name, output: check.message, isError: true };
      }
      result.files.set(check.path, check.content);
      return { id: call.id, name: call.name, output: `proposed ${check.path}`, isError: false };
    });
    messages.push({ role: "assistant", content: response.text, toolCalls: response.toolCalls });
    messages.push({ role: "tool", results });
  }
  for (const layer of options.layers)
    if (result.files.get(layer.path) === layer.content) result.files.delete(layer.path);
  if (result.files.size === 0) {
    throw new GateError("E_MODEL_OUTPUT", `unit ${options.unit}: ${options.modelId} proposed no amendment`, {
      hint: [
        result.refused.length > 0 ? `refused: ${result.refused.join("; ")}` : undefined,
        result.summary ? `the model said: ${result.summary.slice(0, 300)}` : "the model sent an empty reply",
      ]
        .filter(Boolean)
        .join("\n  "),
    });
  }
  return result;
}
