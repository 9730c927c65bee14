// `postline traces` receiving real exports from the OTel SDK's exporters over the three OTLP protocols, and
// what its JSON API makes of them: the list, one trace's spans, links both ways, the service map.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { SpanJson, TraceJson, TraceSummaryJson } from "../../src/cli/traces/api-json.js";
import type { ServiceMap } from "../../src/cli/traces/service-map.js";
import { startViewer, type Viewer } from "../../src/cli/traces/viewer.js";
import { exportSampleTraces, type OtlpProtocol, type SampleTraceIds } from "./sdk-export.js";

async function getJson<T>(viewer: Viewer, path: string): Promise<T> {
  const response = await fetch(`${viewer.pageUrl}${path}`);
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

const byName = (trace: TraceJson, name: string): SpanJson => {
  const span = trace.spans.find((candidate) => candidate.name === name);
  if (span === undefined) throw new Error(`no span "${name}" in ${trace.spans.map((s) => s.name).join(", ")}`);
  return span;
};

describe.each<OtlpProtocol>(["grpc", "http/protobuf", "http/json"])("exported over %s", (protocol) => {
  let viewer: Viewer;
  let ids: SampleTraceIds;
  const receiveErrors: unknown[] = [];

  beforeAll(async () => {
    viewer = await startViewer({ host: "127.0.0.1", port: 0, httpPort: 0, grpcPort: 0, maxTraces: 50, onReceiveError: (error) => receiveErrors.push(error) });
    ids = await exportSampleTraces(protocol, viewer);
  });
  afterAll(() => viewer.close());

  test("the list has each trace with its root, services, span count, duration and errors", async () => {
    expect(receiveErrors).toEqual([]);
    const { traces } = await getJson<{ traces: TraceSummaryJson[] }>(viewer, "/api/traces");
    expect(traces).toHaveLength(4);
    const order = traces.find((trace) => trace.traceId === ids.orderTraceId);
    expect(order).toMatchObject({ rootName: "POST /orders", rootService: "order", services: ["order", "trade"], spanCount: 4, errorCount: 1 });
    expect(order?.durationMs).toBeGreaterThan(0);
    expect(traces.find((trace) => trace.traceId === ids.batchTraceId)).toMatchObject({ rootName: "process batch", services: ["trade"], spanCount: 1, errorCount: 0 });
  });

  test("a trace's spans keep their nesting, kinds, attribute types, events and error status", async () => {
    const trace = await getJson<TraceJson>(viewer, `/api/traces/${ids.orderTraceId}`);
    const [http, send, process, validate] = ["POST /orders", "send orders", "process orders", "validate order"].map((name) => byName(trace, name));
    expect(http).toMatchObject({ parentSpanId: "", kind: "server", service: "order", offsetMs: 0 });
    expect(send).toMatchObject({ parentSpanId: http?.spanId, kind: "producer", service: "order" });
    expect(process).toMatchObject({ parentSpanId: send?.spanId, kind: "consumer", service: "trade", scope: "sample" });
    expect(validate).toMatchObject({ parentSpanId: process?.spanId, kind: "internal", status: { code: "error", message: "quantity must be positive" } });
    expect(send?.attributes).toEqual({
      "messaging.destination.name": "orders",
      "messaging.batch.message_count": 3,
      "sample.ratio": 1.5,
      "sample.flag": false,
      "sample.tags": ["a", "b"],
    });
    expect(process?.resource).toMatchObject({ "service.name": "trade", "deployment.environment.name": "test" });
    expect(process?.events).toEqual([{ name: "order parsed", offsetMs: expect.any(Number), attributes: { "order.id": "o-1" } }]);
    expect(validate?.events[0]).toMatchObject({ name: "exception", attributes: { "exception.type": "RangeError", "exception.message": "quantity must be positive" } });
    // Children start after their parents and the trace's extent covers every span.
    for (const span of trace.spans) expect(span.offsetMs + span.durationMs).toBeLessThanOrEqual(trace.durationMs + 1e-6);
  });

  test("a batch span's links resolve to the linked spans, and those show where they are linked from", async () => {
    const batch = byName(await getJson<TraceJson>(viewer, `/api/traces/${ids.batchTraceId}`), "process batch");
    expect(batch.links).toEqual([
      { traceId: ids.sendA.traceId, spanId: ids.sendA.spanId, name: "send a", service: "order", attributes: { "messaging.message.id": "a" } },
      expect.objectContaining({ name: "send b", service: "order", attributes: { "messaging.message.id": "b" } }),
    ]);
    const sendA = byName(await getJson<TraceJson>(viewer, `/api/traces/${ids.sendA.traceId}`), "send a");
    expect(sendA.linkedFrom).toEqual([{ traceId: ids.batchTraceId, spanId: batch.spanId, name: "process batch", service: "trade" }]);
  });

  test("the service map counts parent/child edges and link edges between services", async () => {
    const map = await getJson<ServiceMap>(viewer, "/api/service-map");
    expect(map.services).toEqual([
      { name: "order", spanCount: 4 },
      { name: "trade", spanCount: 3 },
    ]);
    expect(map.edges).toEqual([
      { from: "order", to: "trade", via: "link", count: 2 },
      { from: "order", to: "trade", via: "parent", count: 1 },
    ]);
  });
});
