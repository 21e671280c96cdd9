/**
 * A scripted model server for tests and benchmarks: speaks OpenAI Chat Completions
 * (POST /v1/chat/completions) and Anthropic Messages (POST /v1/messages), non-streaming.
 * Replies are neutral ({ text, toolCalls, usage, ... }) and rendered in each protocol's shape.
 * Plain JavaScript on node:http so .mjs scripts can use it too.
 */
import { createServer } from "node:http";

const ROUTES = { "/v1/chat/completions": "openai", "/v1/messages": "anthropic" };

/** Starts the server on 127.0.0.1 at a free port. */
export async function startFakeModelServer({ script = [], latencyMs = 0 } = {}) {
  const queue = [...script];
  const requests = [];
  const sockets = new Set();
  const timers = new Set();
  let handler;
  let counter = 0;

  const server = createServer(async (req, res) => {
    const arrived = performance.now();
    const raw = await readBody(req);
    const path = (req.url ?? "/").split("?")[0];
    const protocol = ROUTES[path];
    // `modelMs`: how long the "model" took, arrival to answer, for benchmarks that measure only ours.
    const request = { path, headers: req.headers, body: parseJson(raw), modelMs: 0 };
    requests.push(request);
    if (req.method !== "POST" || !protocol) {
      return send(
        res,
        404,
        {},
        JSON.stringify({ error: { message: `fake server: no route ${req.method} ${path}` } }),
      );
    }
    let reply = queue.shift();
    try {
      if (reply === undefined && handler) reply = await handler(request);
    } catch (error) {
      return send(res, 500, {}, JSON.stringify(renderError(protocol, 500, `fake handler threw: ${error}`)));
    }
    if (reply === undefined) {
      const message = `fake model server: script ran out (unexpected request #${requests.length} to ${path})`;
      return send(res, 500, {}, JSON.stringify(renderError(protocol, 500, message)));
    }
    if (reply.hang) return; // held open until close() destroys the socket
    if (reply.destroy) return req.socket.destroy(); // a connection dropped before any answer
    const wait = reply.delayMs ?? latencyMs;
    if (wait > 0) {
      await new Promise((done) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          done();
        }, wait);
        timers.add(timer);
      });
    }
    counter += 1;
    const status = reply.status ?? 200;
    const body =
      reply.rawBody !== undefined
        ? reply.rawBody
        : JSON.stringify(
            status >= 400
              ? renderError(protocol, status, reply.text ?? `injected HTTP ${status}`)
              : renderReply(protocol, reply, request.body, counter),
          );
    request.modelMs = performance.now() - arrived;
    send(res, status, reply.headers ?? {}, body);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}`;

  return {
    url,
    openaiBaseURL: `${url}/v1`,
    anthropicBaseURL: `${url}/v1`,
    requests,
    enqueue: (...replies) => queue.push(...replies),
    setHandler: (fn) => {
      handler = fn;
    },
    close: () =>
      new Promise((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function renderReply(protocol, reply, requestBody, n) {
  const toolCalls = reply.toolCalls ?? [];
  const usage = reply.usage ?? { input: 10, output: 5 };
  const model = requestBody?.model ?? "fake-model";
  if (protocol === "openai") {
    return {
      id: `chatcmpl-fake-${n}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: reply.text ?? null,
            ...(toolCalls.length > 0 && {
              tool_calls: toolCalls.map((call, i) => ({
                id: `call_${n}_${i}`,
                type: "function",
                function: { name: call.name, arguments: JSON.stringify(call.input) },
              })),
            }),
          },
          finish_reason: toolCalls.length > 0 ? "tool_calls" : "stop",
        },
      ],
      usage: {
        prompt_tokens: usage.input,
        completion_tokens: usage.output,
        total_tokens: usage.input + usage.output,
      },
    };
  }
  const content = [];
  if (reply.text !== undefined) content.push({ type: "text", text: reply.text });
  toolCalls.forEach((call, i) => {
    content.push({ type: "tool_use", id: `toolu_${n}_${i}`, name: call.name, input: call.input });
  });
  return {
    id: `msg_fake_${n}`,
    type: "message",
    role: "assistant",
    model,
    content,
    stop_reason: toolCalls.length > 0 ? "tool_use" : "end_turn",
    stop_sequence: null,
    usage: { input_tokens: usage.input, output_tokens: usage.output },
  };
}

function renderError(protocol, status, message) {
  if (protocol === "openai")
    return { error: { message, type: status === 429 ? "rate_limit" : "fake_error", code: null } };
  const type = status === 429 ? "rate_limit_error" : status >= 500 ? "api_error" : "invalid_request_error";
  return { type: "error", error: { type, message } };
}

function send(res, status, headers, body) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(body);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
