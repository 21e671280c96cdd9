import { onTestFinished } from "vitest";
import type { FakeModelServer, FakeReply, RecordedRequest } from "./fake-model-server.mjs";
import { startFakeModelServer } from "./fake-model-server.mjs";

/** One write_file call as the model sends it; anything may be in it, it is untrusted. */
export interface WriteCall {
  path: unknown;
  content: unknown;
}

export interface WriterOptions {
  /** unit → output path → content. Read on every request, so a test may change it between builds. */
  files: Record<string, Record<string, string>>;
  /** Extra write_file calls a unit's model makes after its own files (path escapes, ...). */
  extraCalls?: Record<string, WriteCall[]>;
  /** unit → delay before answering the unit's first request. */
  delayMs?: Record<string, number>;
}

/** A model handler for the fake server, and what it has seen. */
export interface ModelWriter {
  handle(request: RecordedRequest): FakeReply;
  /** Units whose first request (the one asking for files) was answered, in order. */
  asked: string[];
}

/**
 * Plays a well-behaved chat model in either protocol: the request naming "## Your task: unit `X`"
 * is answered with write_file calls for X's files, the follow-up carrying the tool results with
 * one short sentence.
 */
export function createModelWriter(options: WriterOptions): ModelWriter {
  const asked: string[] = [];
  return {
    asked,
    handle(request) {
      const unit = requestUnit(request);
      if (unit === undefined) throw new Error("request names no unit");
      if (isToolFollowUp(request)) return { text: `Wrote the files of unit ${unit}.` };
      const files = options.files[unit];
      if (!files) throw new Error(`the writer has no files for unit ${unit}`);
      asked.push(unit);
      const calls = [
        ...Object.entries(files).map(([path, content]) => ({ path, content })),
        ...(options.extraCalls?.[unit] ?? []),
      ];
      return {
        toolCalls: calls.map((input) => ({ name: "write_file", input })),
        usage: { input: 100, output: 50 },
        ...(options.delayMs?.[unit] !== undefined && { delayMs: options.delayMs[unit] }),
      };
    },
  };
}

/** The unit a request is about, from the user message "## Your task: unit `NAME`". */
export function requestUnit(request: RecordedRequest): string | undefined {
  const messages: Array<{ role: string; content: unknown }> = request.body?.messages ?? [];
  for (const message of messages) {
    if (message.role !== "user") continue;
    const unit = /## Your task: unit `([^`]+)`/.exec(textOf(message.content))?.[1];
    if (unit) return unit;
  }
  return undefined;
}

/** Whether the request carries tool results (OpenAI: a `tool` message; Anthropic: tool_result blocks). */
export function isToolFollowUp(request: RecordedRequest): boolean {
  const last = request.body?.messages?.at(-1);
  if (!last) return false;
  if (last.role === "tool") return true;
  return (
    Array.isArray(last.content) && last.content.some((part: { type?: string }) => part.type === "tool_result")
  );
}

/** The text of every tool result the request carries, in order. */
export function toolResults(request: RecordedRequest): string[] {
  const results: string[] = [];
  for (const message of request.body?.messages ?? []) {
    if (message.role === "tool") results.push(textOf(message.content));
    else if (Array.isArray(message.content)) {
      for (const part of message.content) if (part.type === "tool_result") results.push(textOf(part.content));
    }
  }
  return results;
}

/** The system prompt text, wherever the protocol puts it. */
export function systemText(request: RecordedRequest): string {
  if (request.body?.system !== undefined) return textOf(request.body.system);
  const system = (request.body?.messages ?? []).find(
    (message: { role: string }) => message.role === "system",
  );
  return system ? textOf(system.content) : "";
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (typeof part === "string" ? part : ((part as { text?: string }).text ?? "")))
      .join("");
  }
  return "";
}

/** Environment that points both HTTP providers at the fake server. */
export function fakeModelEnv(server: FakeModelServer): Record<string, string> {
  return {
    OPENAI_BASE_URL: server.openaiBaseURL,
    OPENAI_API_KEY: "test-key",
    ANTHROPIC_BASE_URL: server.anthropicBaseURL,
    ANTHROPIC_API_KEY: "test-key",
  };
}

/** A fake model server answering with a writer; closed when the current test finishes. */
export async function startModelWriter(
  options: WriterOptions,
): Promise<{ server: FakeModelServer; writer: ModelWriter; env: Record<string, string> }> {
  const server = await startFakeModelServer();
  onTestFinished(() => server.close());
  const writer = createModelWriter(options);
  server.setHandler((request) => writer.handle(request));
  return { server, writer, env: fakeModelEnv(server) };
}

/** The text of the request's first user message. */
export function userText(request: RecordedRequest): string {
  const user = (request.body?.messages ?? []).find((message: { role: string }) => message.role === "user");
  return user ? textOf(user.content) : "";
}
