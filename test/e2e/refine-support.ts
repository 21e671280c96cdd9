import { onTestFinished } from "vitest";
import type { FakeModelServer, FakeReply, RecordedRequest } from "../support/fake-model-server.mjs";
import { startFakeModelServer } from "../support/fake-model-server.mjs";
import { fakeModelEnv, isToolFollowUp, requestUnit } from "../support/model-writer.js";

/** The heading every refinement message starts with. */
export const REFINEMENT_HEADING = "## Validation failed";

/** The refinement message of a request (the user message after the original prompt), if it is one. */
export function refinementOf(request: RecordedRequest): string | undefined {
  const users = (request.body?.messages ?? []).filter((message: { role: string }) => message.role === "user");
  const text = (content: unknown) =>
    typeof content === "string"
      ? content
      : Array.isArray(content)
        ? content.map((part: { text?: string }) => part.text ?? "").join("")
        : "";
  const last = users.length > 1 ? text(users.at(-1).content) : "";
  return last.startsWith(REFINEMENT_HEADING) ? last : undefined;
}

/**
 * A chat model that answers each unit with `first` files, and each refinement of it with the next
 * entry of `fixes` (the last one again when they run out; `first` again when there are none).
 */
export interface RefiningModel {
  server: FakeModelServer;
  env: Record<string, string>;
  /** Requests that asked for files (not tool follow-ups), with the unit and refinement text. */
  asks: { unit: string; refinement?: string; request: RecordedRequest }[];
}

export async function startRefiningModel(
  first: Record<string, Record<string, string>>,
  fixes: Record<string, Array<Record<string, string>>> = {},
  /** Tokens each answer asking for files reports, by the model name the request names. */
  usageOf: (model: string) => { input: number; output: number } = () => ({ input: 100, output: 50 }),
): Promise<RefiningModel> {
  const server = await startFakeModelServer();
  onTestFinished(() => server.close());
  const asks: RefiningModel["asks"] = [];
  server.setHandler((request): FakeReply => {
    const unit = requestUnit(request);
    if (unit === undefined) throw new Error("request names no unit");
    if (isToolFollowUp(request)) return { text: `Done with ${unit}.`, usage: { input: 20, output: 5 } };
    const refinement = refinementOf(request);
    const rounds = asks.filter((ask) => ask.unit === unit && ask.refinement !== undefined).length;
    asks.push({ unit, refinement, request });
    const options = fixes[unit] ?? [];
    const files =
      refinement === undefined || options.length === 0
        ? first[unit]
        : options[Math.min(rounds, options.length - 1)];
    if (!files) throw new Error(`no files for unit ${unit}`);
    return {
      toolCalls: Object.entries(files).map(([path, content]) => ({
        name: "write_file",
        input: { path, content },
      })),
      usage: usageOf(String(request.body?.model)),
    };
  });
  return { server, env: fakeModelEnv(server), asks };
}
