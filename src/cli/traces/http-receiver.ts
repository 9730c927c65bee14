// OTLP/HTTP: POST /v1/traces with a protobuf or JSON ExportTraceServiceRequest, optionally gzip'd, as the
// specification describes. Browser exporters post from other origins, so CORS preflights are answered too.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { gunzipSync, inflateSync } from "node:zlib";
import { listen, type Listening } from "./listen.js";
import { spansFromRequest, type OtlpTraceRequest } from "./otlp-request.js";
import { decodeTraceRequest, encodeTraceResponse } from "./otlp-protobuf.js";
import type { ViewerSpan } from "./span-model.js";

/** A bound on one request's body, so that a runaway client cannot fill the viewer's memory. */
const maxBodyBytes = 64 * 1024 * 1024;

export interface ReceiverOptions {
  readonly host: string;
  readonly port: number;
  readonly onSpans: (spans: ViewerSpan[]) => void;
  /** A request that could not be decoded; answered with 400 either way. */
  readonly onError?: (error: unknown) => void;
}

const corsHeaders = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "POST, OPTIONS",
  "access-control-allow-headers": "content-type, content-encoding",
};

export async function startHttpReceiver(options: ReceiverOptions): Promise<Listening> {
  const server = createServer((request, response) => {
    handle(request, response, options).catch((error: unknown) => {
      options.onError?.(error);
      if (!response.headersSent) respond(response, 400, "text/plain", `could not decode the request: ${String(error)}`);
    });
  });
  return listen(server, options.host, options.port);
}

async function handle(request: IncomingMessage, response: ServerResponse, options: ReceiverOptions): Promise<void> {
  const path = new URL(request.url ?? "/", "http://receiver").pathname;
  if (path !== "/v1/traces") return respond(response, 404, "text/plain", "postline traces receives OTLP on POST /v1/traces");
  if (request.method === "OPTIONS") return respond(response, 204, "text/plain", "");
  if (request.method !== "POST") return respond(response, 405, "text/plain", "POST only");
  const contentType = (request.headers["content-type"] ?? "").split(";")[0]?.trim() ?? "";
  const isJson = contentType === "application/json";
  if (!isJson && contentType !== "application/x-protobuf") return respond(response, 415, "text/plain", "application/x-protobuf or application/json");
  const body = await readBody(request);
  if (body === undefined) return respond(response, 413, "text/plain", `a request body over ${maxBodyBytes} bytes`);
  const bytes = decompress(body, request.headers["content-encoding"]);
  if (isJson) {
    options.onSpans(spansFromRequest(JSON.parse(bytes.toString("utf8")) as OtlpTraceRequest, "hex"));
    return respond(response, 200, "application/json", "{}");
  }
  options.onSpans(spansFromRequest(decodeTraceRequest(bytes), "base64"));
  respond(response, 200, "application/x-protobuf", encodeTraceResponse());
}

/** The body, or undefined when it is over the bound (the rest is drained, not kept). */
async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= maxBodyBytes) chunks.push(chunk);
  }
  return size > maxBodyBytes ? undefined : Buffer.concat(chunks);
}

function decompress(body: Buffer, encoding: string | undefined): Buffer {
  switch (encoding?.toLowerCase()) {
    case undefined:
    case "":
    case "identity":
      return body;
    case "gzip":
      return gunzipSync(body, { maxOutputLength: maxBodyBytes });
    case "deflate":
      return inflateSync(body, { maxOutputLength: maxBodyBytes });
    default:
      throw new Error(`unsupported content-encoding ${encoding}`);
  }
}

function respond(response: ServerResponse, status: number, contentType: string, body: string | Uint8Array): void {
  response.writeHead(status, { ...corsHeaders, "content-type": contentType }).end(body);
}
