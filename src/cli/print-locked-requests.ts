import type { LockedRequest, LockedRequestsView } from "../drift/locked-requests.js";
import type { CliIO } from "./command.js";

interface RecordedChatRequest {
  provider?: string;
  params?: unknown;
  tools?: { name: string }[];
  messages?: { role: string; content?: string; results?: unknown; toolCalls?: unknown }[];
  prompt?: string;
}

/**
 * `specprompt prompt --from-lock`: the requests that made a unit's files. A chat round's first
 * request is printed whole; a follow-up in the same conversation only with the messages it adds.
 */
export function printLockedRequests(io: CliIO, view: LockedRequestsView): void {
  io.stdout.write(
    `# unit ${view.unit} → ${view.model}: ${view.requests.length} request${view.requests.length === 1 ? "" : "s"} of build ${view.buildId} (${view.builtAt}), ${view.iterations} round${view.iterations === 1 ? "" : "s"}\n`,
  );
  let shown = 0;
  view.requests.forEach((exchange, i) => {
    const request = exchange.request as RecordedChatRequest;
    const messages = request.messages;
    if (messages === undefined) {
      io.stdout.write(
        `\n# request ${i + 1} (${exchange.key.slice(0, 12)}): agent prompt\n\n${request.prompt ?? ""}\n`,
      );
      return;
    }
    const continues = shown > 0 && messages.length > shown;
    io.stdout.write(
      `\n# request ${i + 1} (${exchange.key.slice(0, 12)})${continues ? `: ${messages.length - shown} more message(s)` : ` ${JSON.stringify(request.params ?? {})}`}\n`,
    );
    if (!continues && request.tools)
      io.stdout.write(`# tools: ${request.tools.map((tool) => tool.name).join(", ")}\n`);
    for (const message of messages.slice(continues ? shown : 0)) io.stdout.write(renderMessage(message));
    shown = messages.length;
    io.stdout.write(describeResponse(exchange));
  });
}

function renderMessage(message: NonNullable<RecordedChatRequest["messages"]>[number]): string {
  const body =
    message.content !== undefined && message.content !== ""
      ? message.content
      : JSON.stringify(message.results ?? message.toolCalls ?? "", null, 2);
  return `\n===== ${message.role} =====\n${body.endsWith("\n") ? body : `${body}\n`}`;
}

function describeResponse(exchange: LockedRequest): string {
  const response = exchange.response as { toolCalls?: { name: string; input?: { path?: unknown } }[] };
  const calls = response.toolCalls ?? [];
  if (calls.length === 0) return "\n# → reply without tool calls\n";
  return `\n# → ${calls.map((call) => `${call.name} ${typeof call.input?.path === "string" ? call.input.path : ""}`.trim()).join(", ")}\n`;
}
