// `POST /orders` on a plain node:http server. The HTTP instrumentation makes each request a SERVER span
// that is active while `placeOrder` runs, so the message it publishes joins the request's trace.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { context } from "@opentelemetry/api";
import { RPCType, getRPCMetadata } from "@opentelemetry/core";
import { OrderRequest } from "../shared/schemas.js";

export interface PlacedOrder {
  readonly orderId: string;
  /** The trace the order went into, so a client can look it up in its trace backend. */
  readonly traceId: string | undefined;
}

export type PlaceOrder = (request: OrderRequest) => Promise<PlacedOrder>;

const maxBodyBytes = 64 * 1024;

export async function listenOrderApi(placeOrder: PlaceOrder, host: string, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    handle(request, response, placeOrder).catch((error: unknown) => {
      reply(response, 500, { error: error instanceof Error ? error.message : String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return server;
}

export function apiUrl(server: Server): string {
  const { address, port } = server.address() as AddressInfo;
  return `http://${address.includes(":") ? `[${address}]` : address}:${port}/orders`;
}

async function handle(request: IncomingMessage, response: ServerResponse, placeOrder: PlaceOrder): Promise<void> {
  if (request.url === "/health") return reply(response, 200, { status: "UP" });
  if (request.url !== "/orders") return reply(response, 404, { error: "not found; POST /orders" });
  if (request.method !== "POST") return reply(response, 405, { error: "use POST" });
  // What a web framework's instrumentation would do: name the route, so the server span is "POST /orders"
  // (with http.route) rather than a bare "POST".
  const rpc = getRPCMetadata(context.active());
  if (rpc?.type === RPCType.HTTP) rpc.route = "/orders";
  const body = await readJson(request);
  if (body === undefined) return reply(response, 400, { error: `the body must be JSON of at most ${maxBodyBytes} bytes` });
  const parsed = OrderRequest.safeParse(body);
  if (!parsed.success) return reply(response, 400, { error: "invalid order", issues: parsed.error.issues });
  reply(response, 202, await placeOrder(parsed.data));
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) return undefined;
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
