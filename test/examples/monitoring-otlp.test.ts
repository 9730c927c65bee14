// The monitoring example exporting as the seed does, OTLP over gRPC, into a receiver in this test: one trace
// per order across the three services, the HTTP span at the root.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startGrpcReceiver, type OtlpReceiver, type ReceivedSpan } from "../demo/otlp-receivers.js";
import { startExampleExportingOtlp, type ExampleProcess } from "./example-process.js";
import { deleteExampleTopology } from "./rabbit-cleanup.js";
import { requireTcp } from "./reachability.js";

const prefix = `monitoring-otlp-${randomUUID().slice(0, 8)}.`;
let receiver: OtlpReceiver | undefined;
let example: ExampleProcess | undefined;

beforeAll(async () => {
  await requireTcp("RabbitMQ", "127.0.0.1", 5672, "the example's default broker must be running (guest/guest)");
  receiver = await startGrpcReceiver();
  example = await startExampleExportingOtlp(receiver.endpoint, prefix);
}, 60_000);

afterAll(async () => {
  await example?.stop(20_000);
  await receiver?.close();
  await deleteExampleTopology("amqp://guest:guest@127.0.0.1:5672", prefix);
}, 40_000);

it("sends each order's trace over OTLP gRPC: POST /orders → order → trade → notification", async () => {
  const [, traceId] = example!.matches(/order: posted normal order [\w-]+ \(round 1, trace ([0-9a-f]{32})\)/)[0] ?? [];
  expect(traceId, example!.tail()).toBeDefined();
  const spansOf = (): ReceivedSpan[] => receiver!.spans.filter((span) => span.traceId === traceId);
  const deadline = Date.now() + 20_000;
  while (!spansOf().some((span) => span.name === "send notification") && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
  const spans = spansOf();
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const notification = spans.find((span) => span.name === "send notification");
  expect(notification, `spans received: ${spans.map((span) => span.name).join(", ")}\n${example!.tail()}`).toBeDefined();
  // Walk from the last custom span up to the root: every hop is an ancestor.
  const chain: string[] = [];
  for (let span: ReceivedSpan | undefined = notification; span !== undefined; span = byId.get(span.parentSpanId)) {
    chain.unshift(`${String(span.resource["service.name"])}: ${span.name}`);
    if (span.parentSpanId === "") break;
  }
  const destination = (name: string): string => `${prefix}${name}`;
  expect(chain).toEqual([
    "order: POST /orders",
    `order: send ${destination("orders")}`,
    `order: process ${destination("orders")}:${destination("orders")}.order`,
    `order: send ${destination("trades")}`,
    `trade: process ${destination("trades")}:${destination("trades")}.trade`,
    `trade: send ${destination("notifications")}`,
    `notification: process ${destination("notifications")}:${destination("notifications")}.notification`,
    "notification: send notification",
  ]);
  expect(spans.map((span) => span.name)).toEqual(expect.arrayContaining(["validate order", "process trade"]));
  expect(notification!.attributes["customer.tier"]).toBe("gold");
  expect(new Set(receiver!.encodings)).toEqual(new Set(["grpc"]));
}, 30_000);
