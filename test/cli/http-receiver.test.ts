// The OTLP/HTTP receiver's edges: gzip bodies, the content types it accepts, and undecodable requests.
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startViewer, type Viewer } from "../../src/cli/traces/viewer.js";

let viewer: Viewer;
const errors: unknown[] = [];

beforeAll(async () => {
  viewer = await startViewer({ host: "127.0.0.1", port: 0, httpPort: 0, grpcPort: undefined, maxTraces: 5, onReceiveError: (error) => errors.push(error) });
});
afterAll(() => viewer.close());

const traceId = "0af7651916cd43dd8448eb211c80319c";
const jsonRequest = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: "service.name", value: { stringValue: "curl" } }] },
      scopeSpans: [{ scope: { name: "by hand" }, spans: [{ traceId, spanId: "b7ad6b7169203331", name: "GET /", kind: 2, startTimeUnixNano: "1700000000000000000", endTimeUnixNano: "1700000000250000000", status: { code: 2 } }] }],
    },
  ],
};

const post = (body: string | Buffer, headers: Record<string, string>) => fetch(`${viewer.httpEndpoint}/v1/traces`, { method: "POST", body, headers });

test("a gzip'd JSON export is received", async () => {
  const response = await post(gzipSync(JSON.stringify(jsonRequest)), { "content-type": "application/json", "content-encoding": "gzip" });
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({});
  const trace = viewer.store.get(traceId);
  const span = trace?.spans.get("b7ad6b7169203331");
  expect(span).toMatchObject({ name: "GET /", kind: "server", service: "curl", scope: "by hand", status: { code: "error" }, startNs: 1700000000000000000n, endNs: 1700000000250000000n });
});

test("other content types are refused with 415, other paths with 404, other methods with 405", async () => {
  expect((await post("x", { "content-type": "text/plain" })).status).toBe(415);
  expect((await fetch(`${viewer.httpEndpoint}/v1/metrics`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } })).status).toBe(404);
  expect((await fetch(`${viewer.httpEndpoint}/v1/traces`)).status).toBe(405);
});

test("a body that does not decode is a 400, reported, and the receiver goes on", async () => {
  const before = errors.length;
  expect((await post(Buffer.from([0x0a, 0xff, 0xff, 0xff]), { "content-type": "application/x-protobuf" })).status).toBe(400);
  expect((await post("{not json", { "content-type": "application/json" })).status).toBe(400);
  expect(errors.length).toBe(before + 2);
  expect((await post(JSON.stringify({ resourceSpans: [] }), { "content-type": "application/json" })).status).toBe(200);
});

test("the page and its scripts are served; nothing outside them is", async () => {
  const page = await fetch(viewer.pageUrl);
  expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
  expect(await page.text()).toContain('<script type="module" src="/js/main.js">');
  const script = await fetch(`${viewer.pageUrl}/js/waterfall.js`);
  expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
  expect((await fetch(`${viewer.pageUrl}/../package.json`)).status).toBe(404);
  expect((await fetch(`${viewer.pageUrl}/api/traces/ffffffffffffffffffffffffffffffff`)).status).toBe(404);
});
