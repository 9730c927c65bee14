// The page and its JSON API, on one node:http server:
//   GET /                      the page (and its scripts and styles)
//   GET /api/traces            the trace list, newest first, with the store's version for cheap polling
//   GET /api/traces/<trace id> one trace with its spans
//   GET /api/service-map       service → service edges over the stored traces
//   GET /api/info              the receivers' endpoints, for the page's header
import { createServer, type ServerResponse } from "node:http";
import { traceJson, traceListJson } from "./api-json.js";
import { listen, type Listening } from "./listen.js";
import { serviceMap } from "./service-map.js";
import type { Asset } from "./static-assets.js";
import type { TraceStore } from "./trace-store.js";

export interface WebServerOptions {
  readonly host: string;
  readonly port: number;
  readonly store: TraceStore;
  readonly assets: ReadonlyMap<string, Asset>;
  readonly info: () => object;
}

export async function startWebServer(options: WebServerOptions): Promise<Listening> {
  const { store, assets } = options;
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://viewer").pathname;
    if (request.method !== "GET" && request.method !== "HEAD") return send(response, 405, "text/plain", "GET only");
    if (path === "/api/traces") return sendJson(response, { version: store.version, traces: traceListJson(store) });
    if (path === "/api/service-map") return sendJson(response, { version: store.version, ...serviceMap(store) });
    if (path === "/api/info") return sendJson(response, options.info());
    const traceId = /^\/api\/traces\/([0-9a-fA-F]{1,32})$/.exec(path)?.[1];
    if (traceId !== undefined) {
      const trace = store.get(traceId);
      return trace === undefined ? sendJson(response, { error: `no trace ${traceId} in memory` }, 404) : sendJson(response, traceJson(trace, store));
    }
    const asset = assets.get(path);
    if (asset === undefined) return send(response, 404, "text/plain", "not found");
    send(response, 200, asset.contentType, asset.body);
  });
  return listen(server, options.host, options.port);
}

function sendJson(response: ServerResponse, body: object, status = 200): void {
  send(response, status, "application/json; charset=utf-8", JSON.stringify(body));
}

function send(response: ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  // The page polls; a cached answer would freeze it.
  response.writeHead(status, { "content-type": contentType, "cache-control": "no-store" }).end(body);
}
