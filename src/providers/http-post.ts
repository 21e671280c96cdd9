/**
 * POST a JSON body and read a JSON answer over node:http/https with keep-alive. The chat
 * protocols need nothing more, and this path costs a fraction of loading fetch (undici) and an
 * SDK on every CLI run. Failures are thrown in the shape `classifyFailure` reads: an HTTP status
 * with headers, or a Node error code.
 */
import type * as Http from "node:http";
import type * as Https from "node:https";
import { createRequire } from "node:module";

// Required, not imported: an ESM import of a builtin makes Node build its ESM facade, which on
// Node 22+ reads every export of node:http, lazy ones included, and so loads all of undici
// (fetch, WebSocket): 8 ms of a one-shot build. https (and with it tls) loads only when used.
const requireBuiltin = createRequire(import.meta.url);
type IncomingHttpHeaders = Http.IncomingHttpHeaders;

/** Larger answers are refused rather than buffered: no chat reply is anywhere near this. */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** The server answered with a status that is not 2xx. */
export class HttpStatusError extends Error {
  readonly statusCode: number;
  readonly responseHeaders: Record<string, string>;
  readonly responseBody: string;

  constructor(statusCode: number, headers: Record<string, string>, body: string) {
    super(errorMessageOf(body) ?? `HTTP ${statusCode}`);
    this.name = "HttpStatusError";
    this.statusCode = statusCode;
    this.responseHeaders = headers;
    this.responseBody = body;
  }
}

/** A 2xx answer we cannot use: not JSON, or not the protocol's shape. */
export class MalformedResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedResponseError";
  }
}

export interface PostOptions {
  headers: Record<string, string>;
  signal?: AbortSignal;
}

interface Transport {
  request: typeof Http.request;
  agent: Http.Agent;
}

const transports: { http?: Transport; https?: Transport } = {};

/** node:http or node:https with its keep-alive agent, loaded on first use. */
function transport(secure: boolean): Transport {
  if (secure) {
    const https = requireBuiltin("node:https") as typeof Https;
    transports.https ??= {
      request: https.request as typeof Http.request,
      agent: new https.Agent({ keepAlive: true, maxSockets: 256 }),
    };
    return transports.https;
  }
  const http = requireBuiltin("node:http") as typeof Http;
  transports.http ??= { request: http.request, agent: new http.Agent({ keepAlive: true, maxSockets: 256 }) };
  return transports.http;
}

/** POSTs `body` as JSON to `url` and resolves with the parsed JSON of a 2xx answer. */
export function postJson(url: string, body: unknown, options: PostOptions): Promise<unknown> {
  const target = new URL(url);
  const secure = target.protocol === "https:";
  if (!secure && target.protocol !== "http:") {
    return Promise.reject(new MalformedResponseError(`unsupported URL scheme ${target.protocol} in ${url}`));
  }
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const { request: send, agent } = transport(secure);
    const request = send(
      target,
      {
        method: "POST",
        agent,
        signal: options.signal,
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          "content-length": payload.length,
          ...options.headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            response.destroy(new MalformedResponseError(`the answer exceeds ${MAX_RESPONSE_BYTES} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on("error", reject);
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const status = response.statusCode ?? 0;
          if (status < 200 || status >= 300) {
            reject(new HttpStatusError(status, flattenHeaders(response.headers), text));
            return;
          }
          try {
            resolve(JSON.parse(text));
          } catch {
            reject(new MalformedResponseError(`the answer is not JSON: ${preview(text)}`));
          }
        });
      },
    );
    request.on("error", reject);
    request.end(payload);
  });
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

/** The `error.message` both protocols put in an error body, when there is one. */
function errorMessageOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof parsed.error === "string") return parsed.error;
    if (typeof parsed.error?.message === "string") return parsed.error.message;
    if (typeof parsed.message === "string") return parsed.message;
  } catch {
    // not JSON: fall through to the raw text
  }
  const text = body.trim();
  return text ? preview(text) : undefined;
}

function preview(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}...` : oneLine || "(empty body)";
}
