import { describe, expect, it } from "vitest";
import { rejectionOf } from "../../test/support/rejection-of.js";
import { createProvider } from "../providers/create-provider.js";
import { createModelCaller, evalRequestKey, type ModelCall } from "./model-caller.js";
import { createScheduler } from "./scheduler.js";

const call: ModelCall = {
  model: "openai:gpt-4o-mini",
  messages: [
    { role: "system", content: "be brief" },
    { role: "user", content: "hi" },
  ],
  params: { temperature: 0, maxTokens: 10 },
};

describe("evalRequestKey", () => {
  it("is the sha256 of the canonical request text it returns", async () => {
    const { key, request } = evalRequestKey(call);
    const { sha256 } = await import("../util/hash.js");
    expect(key).toBe(sha256(request));
    expect(JSON.parse(request)).toEqual([
      1,
      "openai:gpt-4o-mini",
      { maxTokens: 10, temperature: 0 },
      0,
      "",
      [
        ["system", "be brief"],
        ["user", "hi"],
      ],
    ]);
  });

  it("does not depend on the order of the params' keys", () => {
    expect(evalRequestKey({ ...call, params: { maxTokens: 10, temperature: 0 } }).key).toBe(
      evalRequestKey(call).key,
    );
  });

  it("differs for each repeat, for a grader call, and for any change in model, params or messages", () => {
    const keys = new Set([
      evalRequestKey(call).key,
      evalRequestKey({ ...call, repeat: 1 }).key,
      evalRequestKey({ ...call, purpose: "grade" }).key,
      evalRequestKey({ ...call, model: "openai:gpt-4.1" }).key,
      evalRequestKey({ ...call, params: { temperature: 0.5, maxTokens: 10 } }).key,
      evalRequestKey({ ...call, messages: [...call.messages].reverse() }).key,
      evalRequestKey({ ...call, messages: [{ role: "user", content: "be brief" }, call.messages[1]!] }).key,
    ]);
    expect(keys.size).toBe(7);
  });
});

describe("createModelCaller", () => {
  it("refuses a coding agent: runtime prompts need a chat model", async () => {
    const caller = createModelCaller({
      scheduler: createScheduler({ limit: 1, maxRetries: 0 }),
      createProvider: (model) => createProvider(model, { env: {}, timeoutMs: 1000, maxRetries: 0 }),
    });
    const error = await rejectionOf(caller.complete({ ...call, model: "cmd:echo hi" }));
    expect(error.code).toBe("E_PROVIDER_CONFIG");
    expect(error.message).toMatch(/eval needs a chat model; cmd:echo hi is a coding agent/);
  });

  it("answers from the store without asking for a provider", async () => {
    const stored = {
      text: "cached",
      usage: { inputTokens: 1, outputTokens: 1 },
      finishReason: "stop",
      latencyMs: 42,
    };
    let created = 0;
    const caller = createModelCaller({
      cache: { get: <T>() => stored as T, put: () => {} },
      scheduler: createScheduler({ limit: 1, maxRetries: 0 }),
      createProvider: async () => {
        created++;
        throw new Error("no provider in this test");
      },
    });
    expect(await caller.complete(call)).toEqual({ ...stored, cached: true });
    expect(created).toBe(0);
    expect(caller.stats).toEqual({ calls: 0, cached: 1 });
  });
});
