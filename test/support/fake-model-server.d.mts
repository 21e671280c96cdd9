/** Types for the scripted fake model server (fake-model-server.mjs). */
import type { IncomingHttpHeaders } from "node:http";

/** One scripted reply, rendered in the protocol of the endpoint that was called. */
export interface FakeReply {
  text?: string;
  toolCalls?: Array<{ name: string; input: unknown }>;
  usage?: { input: number; output: number };
  /** HTTP status; 4xx/5xx send an error body in the protocol's shape. */
  status?: number;
  headers?: Record<string, string>;
  /** Sent verbatim instead of a rendered body. */
  rawBody?: string;
  delayMs?: number;
  /** Never answer (until close). */
  hang?: true;
  /** Drop the connection without answering. */
  destroy?: true;
}

/** A request as the server received it; `body` is parsed JSON when it parses. */
export interface RecordedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  // biome-ignore lint/suspicious/noExplicitAny: tests read protocol bodies freely
  body: any;
  /** How long the server took from the request's arrival to its answer (delays included), in ms. */
  modelMs: number;
}

export interface FakeModelServer {
  url: string;
  /** `url + "/v1"`, for OPENAI_BASE_URL. */
  openaiBaseURL: string;
  /** `url + "/v1"`, for ANTHROPIC_BASE_URL. */
  anthropicBaseURL: string;
  requests: RecordedRequest[];
  enqueue(...replies: FakeReply[]): void;
  /** Answers requests once the queue is empty. */
  setHandler(fn: (request: RecordedRequest) => FakeReply | undefined | Promise<FakeReply | undefined>): void;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1 at a free port. */
export function startFakeModelServer(options?: {
  script?: FakeReply[];
  latencyMs?: number;
}): Promise<FakeModelServer>;
