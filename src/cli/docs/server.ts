// The page of `postline docs serve`: the document rendered once at start (it does not change while the
// command runs), and the document itself as JSON and YAML. Everything is local: no CDN, no scripts.
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { AsyncApiDocument } from "../../asyncapi/document.js";
import { toYaml } from "../../asyncapi/yaml.js";
import { renderPage } from "./render-page.js";

export interface DocsServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startDocsServer(document: AsyncApiDocument, host: string, port: number): Promise<DocsServer> {
  const routes: Record<string, { type: string; body: string }> = {
    "/": { type: "text/html; charset=utf-8", body: renderPage(document) },
    "/asyncapi.json": { type: "application/json", body: JSON.stringify(document, null, 2) },
    "/asyncapi.yaml": { type: "application/yaml; charset=utf-8", body: toYaml(document) },
  };
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (route === undefined) {
      response.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found: try / or /asyncapi.json\n");
      return;
    }
    response.writeHead(200, { "content-type": route.type, "cache-control": "no-store" }).end(request.method === "HEAD" ? undefined : route.body);
  });
  server.listen(port, host);
  await once(server, "listening");
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
