// What the receivers make of OTLP values beyond what the SDK's exporters send in the other tests: enum names,
// 64-bit integers past 2^53, nested kvlists, bytes, and a gRPC request that does not decode.
import { credentials, Client, status as grpcStatus } from "@grpc/grpc-js";
import { afterAll, beforeAll, expect, test } from "vitest";
import { spansFromRequest } from "../../src/cli/traces/otlp-request.js";
import { startViewer, type Viewer } from "../../src/cli/traces/viewer.js";

test("OTLP/JSON values of every AnyValue kind, and enums written by name", () => {
  const [span] = spansFromRequest(
    {
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: "0AF7651916CD43DD8448EB211C80319C",
                  spanId: "B7AD6B7169203331",
                  name: "values",
                  kind: "SPAN_KIND_CONSUMER",
                  startTimeUnixNano: 1.7e18,
                  endTimeUnixNano: "1700000000000000001",
                  status: { code: "STATUS_CODE_ERROR", message: "boom" },
                  attributes: [
                    { key: "big", value: { intValue: "9007199254740993" } },
                    { key: "small", value: { intValue: 42 } },
                    { key: "map", value: { kvlistValue: { values: [{ key: "inner", value: { boolValue: true } }] } } },
                    { key: "raw", value: { bytesValue: "AQID" } },
                    { key: "empty" },
                  ],
                },
              ],
            },
          ],
        },
      ],
    },
    "hex",
  );
  expect(span).toMatchObject({
    traceId: "0af7651916cd43dd8448eb211c80319c",
    spanId: "b7ad6b7169203331",
    parentSpanId: "",
    kind: "consumer",
    status: { code: "error", message: "boom" },
    // No resource: OTel's name for a service that did not say its own.
    service: "unknown_service",
    startNs: 1700000000000000000n,
    endNs: 1700000000000000001n,
    attributes: { big: "9007199254740993", small: 42, map: { inner: true }, raw: "AQID", empty: null },
  });
});

let viewer: Viewer;
beforeAll(async () => {
  viewer = await startViewer({ host: "127.0.0.1", port: 0, httpPort: 0, grpcPort: 0, maxTraces: 5 });
});
afterAll(() => viewer.close());

test("a gRPC export that does not decode is answered INVALID_ARGUMENT", async () => {
  const client = new Client(new URL(viewer.grpcEndpoint ?? "").host, credentials.createInsecure());
  try {
    const error = await new Promise<{ code?: number; details?: string } | null>((resolve) => {
      client.makeUnaryRequest(
        "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
        (bytes: Buffer) => bytes,
        (bytes: Buffer) => bytes,
        Buffer.from([0x0a, 0xff, 0xff, 0xff]),
        { deadline: Date.now() + 10_000 },
        (failure) => resolve(failure),
      );
    });
    expect(error?.code).toBe(grpcStatus.INVALID_ARGUMENT);
    expect(error?.details).toMatch(/^could not decode the request/);
  } finally {
    client.close();
  }
  expect(viewer.store.size).toBe(0);
});
