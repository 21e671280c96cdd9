/**
 * The contract every chat provider passes, over real HTTP against the fake model server.
 * Only the wire shape differs per protocol; `shapes` reads it back from recorded requests.
 */
import { createServer } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeModelServer, startFakeModelServer } from "../../test/support/fake-model-server.mjs";
import { SpecPromptError } from "../errors.js";
import { createProvider } from "./create-provider.js";
import { backoffCeiling } from "./retry.js";
import type { ChatProvider, ChatRequest, Message, ProviderEnv, RetryEvent } from "./types.js";

// biome-ignore lint/suspicious/noExplicitAny: request bodies are protocol JSON
type Body = any;

const shapes = {
  openai: {
    system: (body: Body) => body.messages.find((m: Body) => m.role === "system")?.content,
    tools: (body: Body) =>
      body.tools.map((t: Body) => ({ name: t.function.name, schema: t.function.parameters })),
    params: (body: Body) => ({ temperature: body.temperature, maxTokens: body.max_tokens, seed: body.seed }),
    toolCall: (body: Body) => {
      const call = body.messages.find((m: Body) => m.role === "assistant").tool_calls[0];
      return { id: call.id, name: call.function.name, input: JSON.parse(call.function.arguments) };
    },
    toolResult: (body: Body) => {
      const result = body.messages.find((m: Body) => m.role === "tool");
      return { id: result.tool_call_id, output: result.content };
    },
  },
  anthropic: {
    system: (body: Body) => body.system.map((block: Body) => block.text).join(""),
    tools: (body: Body) => body.tools.map((t: Body) => ({ name: t.name, schema: t.input_schema })),
    // The Messages API has no seed.
    params: (body: Body) => ({ temperature: body.temperature, maxTokens: body.max_tokens, seed: 7 }),
    toolCall: (body: Body) => {
      const turn = body.messages.find((m: Body) => m.role === "assistant");
      const call = turn.content.find((block: Body) => block.type === "tool_use");
      return { id: call.id, name: call.name, input: call.input };
    },
    toolResult: (body: Body) => {
      const blocks = body.messages.flatMap((m: Body) => (Array.isArray(m.content) ? m.content : []));
      const result = blocks.find((block: Body) => block.type === "tool_result");
      const output = typeof result.content === "string" ? result.content : result.content[0].text;
      return { id: result.tool_use_id, output };
    },
  },
};

const cases = [
  {
    name: "openai",
    model: "gpt-4o-mini",
    protocol: "openai" as const,
    env: (url: string) => ({ OPENAI_BASE_URL: `${url}/v1`, OPENAI_API_KEY: "sk-test" }),
    keyVariable: "OPENAI_API_KEY",
    refused: (url: string) => `openai: cannot reach ${url}/v1 (connection refused); check OPENAI_BASE_URL`,
  },
  {
    name: "anthropic",
    model: "claude-sonnet-4-5",
    protocol: "anthropic" as const,
    env: (url: string) => ({ ANTHROPIC_BASE_URL: `${url}/v1`, ANTHROPIC_API_KEY: "sk-ant-test" }),
    keyVariable: "ANTHROPIC_API_KEY",
    refused: (url: string) =>
      `anthropic: cannot reach ${url}/v1 (connection refused); check ANTHROPIC_BASE_URL`,
  },
  {
    name: "ollama",
    model: "llama3.2",
    protocol: "openai" as const,
    env: (url: string) => ({ OLLAMA_HOST: url }),
    keyVariable: undefined,
    refused: (url: string) => `ollama: cannot reach ${url}; start ollama or set OLLAMA_HOST`,
  },
];

const writeFileTool = {
  name: "write_file",
  description: "Write a file under the output folder.",
  inputSchema: {
    type: "object",
    properties: { path: { type: "string" }, content: { type: "string" } },
    required: ["path", "content"],
  },
};

describe.each(cases)("the $name provider", (c) => {
  let server: FakeModelServer;
  let delays: number[];
  let retries: RetryEvent[];
  const shape = shapes[c.protocol];
  const id = `${c.name}:${c.model}`;

  beforeEach(async () => {
    server = await startFakeModelServer();
    delays = [];
    retries = [];
  });
  afterEach(() => server.close());

  function envFor(
    overrides: Partial<ProviderEnv> = {},
    vars: Record<string, string> = c.env(server.url),
  ): ProviderEnv {
    return {
      env: vars,
      timeoutMs: 5000,
      maxRetries: 2,
      onRetry: (event) => retries.push(event),
      sleep: async (ms) => {
        delays.push(ms);
      },
      ...overrides,
    };
  }
  async function connect(overrides: Partial<ProviderEnv> = {}): Promise<ChatProvider> {
    const provider = await createProvider(id, envFor(overrides));
    if (provider.kind !== "chat") throw new Error("expected a chat provider");
    return provider;
  }
  function ask(
    messages: Message[] = [{ role: "user", content: "Say hi" }],
    extra: Partial<ChatRequest> = {},
  ) {
    return { model: c.model, messages, tools: [writeFileTool], params: {}, ...extra };
  }
  async function failureOf(promise: Promise<unknown>): Promise<SpecPromptError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SpecPromptError);
    return error as SpecPromptError;
  }

  it("returns the model's text and says it stopped", async () => {
    server.enqueue({ text: "Hello there" });
    const reply = await (await connect()).complete(ask());
    expect(reply).toMatchObject({ text: "Hello there", toolCalls: [], finishReason: "stop" });
  });

  it("returns a write_file tool call with its input parsed", async () => {
    server.enqueue({ toolCalls: [{ name: "write_file", input: { path: "src/a.ts", content: "x" } }] });
    const reply = await (await connect()).complete(ask());
    expect(reply.finishReason).toBe("tool-calls");
    expect(reply.toolCalls).toEqual([
      { id: expect.any(String), name: "write_file", input: { path: "src/a.ts", content: "x" } },
    ]);
  });

  it("sends the tools, the system prompt and the sampling params", async () => {
    server.enqueue({ text: "ok" });
    const messages: Message[] = [
      { role: "system", content: "You write code." },
      { role: "user", content: "Go" },
    ];
    await (await connect()).complete(
      ask(messages, { params: { temperature: 0.2, maxTokens: 1000, seed: 7 } }),
    );
    const body = server.requests[0]!.body;
    expect(body.model).toBe(c.model);
    expect(shape.system(body)).toBe("You write code.");
    expect(shape.tools(body)).toEqual([
      { name: "write_file", schema: expect.objectContaining(writeFileTool.inputSchema) },
    ]);
    expect(shape.params(body)).toEqual({ temperature: 0.2, maxTokens: 1000, seed: 7 });
  });

  it("round-trips an assistant tool call and its tool result", async () => {
    server.enqueue({ text: "done" });
    const input = { path: "a.txt", content: "hi" };
    await (await connect()).complete(
      ask([
        { role: "user", content: "Write a.txt" },
        { role: "assistant", content: "", toolCalls: [{ id: "call_1", name: "write_file", input }] },
        { role: "tool", results: [{ id: "call_1", name: "write_file", output: "written", isError: false }] },
      ]),
    );
    const body = server.requests[0]!.body;
    expect(shape.toolCall(body)).toEqual({ id: "call_1", name: "write_file", input });
    expect(shape.toolResult(body)).toEqual({ id: "call_1", output: "written" });
  });

  it("reports token usage", async () => {
    server.enqueue({ text: "ok", usage: { input: 123, output: 45 } });
    const reply = await (await connect()).complete(ask());
    expect(reply.usage).toEqual({ inputTokens: 123, outputTokens: 45 });
  });

  it.each([
    [{ "retry-after": "0" }, 0],
    [{ "retry-after-ms": "20" }, 20],
  ])("retries a 429 after the wait the server asks for (%o)", async (headers, expected) => {
    server.enqueue({ status: 429, headers }, { text: "ok" });
    const reply = await (await connect()).complete(ask());
    expect(reply.text).toBe("ok");
    expect(server.requests).toHaveLength(2);
    expect(delays).toEqual([expected]);
    expect(retries).toEqual([
      { provider: id, attempt: 2, delayMs: expected, reason: expect.stringContaining("429") },
    ]);
  });

  it("retries a 429 without hints after a jittered, growing backoff", async () => {
    server.enqueue({ status: 429 }, { status: 429 }, { status: 429 }, { text: "ok" });
    const reply = await (await connect({ maxRetries: 3 })).complete(ask());
    expect(reply.text).toBe("ok");
    expect(delays).toHaveLength(3);
    delays.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(backoffCeiling(i + 1));
    });
  });

  it("retries a 500 and then succeeds", async () => {
    server.enqueue({ status: 500 }, { text: "recovered" });
    const reply = await (await connect()).complete(ask());
    expect(reply.text).toBe("recovered");
    expect(server.requests).toHaveLength(2);
  });

  it("gives up after maxRetries with an error naming the status and attempts", async () => {
    server.enqueue({ status: 503 }, { status: 503 }, { status: 503 });
    const error = await failureOf((await connect({ maxRetries: 2 })).complete(ask()));
    expect(error.code).toBe("E_PROVIDER");
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(new RegExp(`^${id} failed with HTTP 503 after 3 attempts`));
    expect(server.requests).toHaveLength(3);
  });

  it("times out a request that never answers", async () => {
    server.enqueue({ hang: true });
    const started = Date.now();
    const error = await failureOf((await connect({ timeoutMs: 200, maxRetries: 0 })).complete(ask()));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error.code).toBe("E_PROVIDER");
    expect(error.message).toBe(`${id} did not answer within 200 ms (1 attempt)`);
  });

  it("rejects a garbage body as malformed without retrying", async () => {
    server.enqueue({ rawBody: "<html>not json" });
    const error = await failureOf((await connect()).complete(ask()));
    expect(error.code).toBe("E_PROVIDER");
    expect(error.message).toMatch(new RegExp(`^${id} returned a malformed response: `));
    expect(server.requests).toHaveLength(1);
  });

  it("rejects JSON that is not the protocol's answer as malformed", async () => {
    server.enqueue({ rawBody: JSON.stringify({ choices: "nope", content: 42 }) });
    const error = await failureOf((await connect()).complete(ask()));
    expect(error.message).toMatch(new RegExp(`^${id} returned a malformed response: `));
    expect(server.requests).toHaveLength(1);
  });

  it("keeps a tool call whose arguments are not JSON as text, for the caller to refuse", async () => {
    const raw =
      c.protocol === "openai"
        ? {
            choices: [
              {
                message: {
                  role: "assistant",
                  content: null,
                  tool_calls: [
                    { id: "c1", type: "function", function: { name: "write_file", arguments: "{oops" } },
                  ],
                },
                finish_reason: "tool_calls",
              },
            ],
          }
        : {
            content: [{ type: "tool_use", id: "c1", name: "write_file", input: "{oops" }],
            stop_reason: "tool_use",
          };
    server.enqueue({ rawBody: JSON.stringify(raw) });
    const reply = await (await connect()).complete(ask());
    expect(reply.toolCalls).toEqual([{ id: "c1", name: "write_file", input: "{oops" }]);
    expect(reply.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
  });

  it("retries a connection the server drops mid-answer", async () => {
    server.enqueue({ destroy: true }, { text: "second try" });
    const reply = await (await connect()).complete(ask());
    expect(reply.text).toBe("second try");
    expect(retries).toEqual([
      { provider: id, attempt: 2, delayMs: expect.any(Number), reason: expect.stringMatching(/network/) },
    ]);
  });

  it("does not retry a 400", async () => {
    server.enqueue({ status: 400, text: "bad tool schema" });
    const error = await failureOf((await connect({ maxRetries: 3 })).complete(ask()));
    expect(error.message).toBe(`${id} rejected the request (HTTP 400): bad tool schema`);
    expect(server.requests).toHaveLength(1);
  });

  it("says in one line that nothing listens at the configured address", async () => {
    const closedURL = await findClosedURL();
    const provider = await createProvider(id, envFor({}, { ...c.env(closedURL) }));
    const error = await failureOf((provider as ChatProvider).complete(ask()));
    expect(error.code).toBe("E_PROVIDER_CONFIG");
    expect(error.message).toBe(c.refused(closedURL));
    expect(delays).toEqual([]);
  });
});

describe.each(cases.filter((c) => c.keyVariable))("the $name provider without a key", (c) => {
  it("refuses to start, naming the variable to set", async () => {
    const env = { env: {}, timeoutMs: 1000, maxRetries: 0 };
    const error = await createProvider(`${c.name}:${c.model}`, env).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "E_PROVIDER_CONFIG",
      exitCode: 2,
      message: expect.stringContaining(`${c.keyVariable} is not set`),
    });
  });
});

describe.each([
  [
    "openai:gpt-4o-mini",
    { OPENAI_BASE_URL: "URL/v1", OPENAI_API_KEY: "sk-test" },
    "authorization",
    "Bearer sk-test",
  ],
  [
    "anthropic:claude-haiku-4-5",
    { ANTHROPIC_BASE_URL: "URL/v1", ANTHROPIC_API_KEY: "sk-ant" },
    "x-api-key",
    "sk-ant",
  ],
])("%s", (model, vars, header, value) => {
  it("sends the key from the environment and nothing else of it", async () => {
    const server = await startFakeModelServer({ script: [{ text: "ok" }] });
    try {
      const env = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, v.replace("URL", server.url)]));
      const provider = (await createProvider(model, { env, timeoutMs: 5000, maxRetries: 0 })) as ChatProvider;
      await provider.complete({
        model: model.split(":")[1]!,
        messages: [{ role: "user", content: "hi" }],
        tools: [],
        params: {},
      });
      const request = server.requests[0]!;
      expect(request.headers[header]).toBe(value);
      expect(request.headers["content-type"]).toBe("application/json");
      if (model.startsWith("anthropic")) expect(request.headers["anthropic-version"]).toBe("2023-06-01");
    } finally {
      await server.close();
    }
  });
});

describe("a base URL that is not an http(s) URL", () => {
  it("is refused before any request, naming the provider", async () => {
    const env = { env: { OPENAI_BASE_URL: "localhost:8080/v1" }, timeoutMs: 1000, maxRetries: 0 };
    const error = await createProvider("openai:gpt-4o-mini", env).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "E_PROVIDER_CONFIG",
      message: expect.stringContaining("not an http(s) URL"),
    });
  });
});

describe("the anthropic provider", () => {
  it("asks for 8192 output tokens when the request sets no limit, as the API requires one", async () => {
    const server = await startFakeModelServer({ script: [{ text: "ok" }] });
    try {
      const env = { env: { ANTHROPIC_BASE_URL: server.anthropicBaseURL }, timeoutMs: 5000, maxRetries: 0 };
      const provider = (await createProvider("anthropic:claude-haiku-4-5", env)) as ChatProvider;
      await provider.complete({
        model: "claude-haiku-4-5",
        messages: [{ role: "user", content: "hi" }],
        tools: [],
        params: {},
      });
      expect(server.requests[0]!.body.max_tokens).toBe(8192);
    } finally {
      await server.close();
    }
  });
});

/** A URL on 127.0.0.1 where nothing listens: a port that was just free. */
async function findClosedURL(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}`;
}
