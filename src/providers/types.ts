/**
 * The model layer's contract. A provider is a driver: one file each, all behind these types,
 * all passing the same contract suite (src/providers/contract.test.ts).
 */

/** Sampling settings that are part of a request (and so of its cache key and the lock). */
export interface ModelParams {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  seed?: number;
}

export interface ToolCall {
  id: string;
  name: string;
  /** The parsed JSON arguments; providers never hand back a string here. */
  input: unknown;
}

export interface ToolResult {
  id: string;
  name: string;
  output: string;
  isError: boolean;
}

export type Message =
  | { role: "system"; content: string }
  | { role: "user"; content: string }
  | { role: "assistant"; content: string; toolCalls?: ToolCall[] }
  | { role: "tool"; results: ToolResult[] };

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the tool's input object. */
  inputSchema: Record<string, unknown>;
}

export interface ChatRequest {
  /** The model name as the provider knows it (the part after `provider:`). */
  model: string;
  messages: Message[];
  tools: ToolSpec[];
  params: ModelParams;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export interface ChatResponse {
  text: string;
  toolCalls: ToolCall[];
  usage: Usage;
  /** "stop" | "tool-calls" | "length" | "content-filter" | "error" | "other" */
  finishReason: string;
}

export interface CallOptions {
  signal?: AbortSignal;
}

/** A chat model reached over HTTP (openai:, anthropic:, ollama:). */
export interface ChatProvider {
  readonly kind: "chat";
  /** The full model id, e.g. `openai:gpt-4o-mini`. */
  readonly id: string;
  complete(request: ChatRequest, options?: CallOptions): Promise<ChatResponse>;
}

export interface AgentRun {
  /** The assembled prompt: given on stdin and in the file named by SPECPROMPT_PROMPT_FILE. */
  prompt: string;
  /** A staging copy of the output tree; what the agent changes here is its output. */
  cwd: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface AgentResult {
  exitCode: number;
  /** The last part of what the agent printed, for reports; never parsed for files. */
  stdoutTail: string;
  stderrTail: string;
}

/** A coding-agent CLI (cmd:). */
export interface AgentProvider {
  readonly kind: "agent";
  readonly id: string;
  /** The command line after `cmd:`. */
  readonly command: string;
  run(run: AgentRun): Promise<AgentResult>;
}

export type Provider = ChatProvider | AgentProvider;

/** Everything a provider reads from its surroundings, passed in so tests control it. */
export interface ProviderEnv {
  env: Record<string, string | undefined>;
  /** Per-request timeout in milliseconds. */
  timeoutMs: number;
  /** Attempts after the first, for 429/5xx/network errors. */
  maxRetries: number;
  /** Called before each retry; the CLI shows it. */
  onRetry?: (event: RetryEvent) => void;
  /** Injected for tests; defaults to setTimeout. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface RetryEvent {
  provider: string;
  /** The attempt about to start (2 is the first retry). */
  attempt: number;
  delayMs: number;
  reason: string;
}
