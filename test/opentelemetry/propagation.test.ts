import { propagation, type TextMapPropagator } from "@opentelemetry/api";
import { B3InjectEncoding, B3Propagator } from "@opentelemetry/propagator-b3";
import { afterEach, expect, test } from "vitest";
import { ConfigurationError, silentLogger, type Headers, type TelemetryProvider } from "../../src/core/index.js";
import { MemoryBroker } from "../../src/memory/index.js";
import { MemoryTelemetryMiddleware } from "../../src/memory/opentelemetry.js";
import { TelemetryMiddleware } from "../../src/opentelemetry/index.js";
import { TelemetryRecorder, idOf, named, parentOf } from "../conformance/otel.js";
import { Collector } from "../conformance/wait.js";

afterEach(() => propagation.disable());

async function roundTrip(options: { propagator?: TextMapPropagator } = {}) {
  const otel = new TelemetryRecorder();
  const broker = new MemoryBroker({ logger: silentLogger, middlewares: [new MemoryTelemetryMiddleware({ tracerProvider: otel.tracerProvider, ...options })] });
  const seen = new Collector<Readonly<Headers>>(2_000);
  broker.subscriber("orders").handle((_body, context) => {
    seen.push(context.headers);
  });
  await broker.start();
  await broker.publish("x", "orders");
  const headers = await seen.first();
  const spans = await otel.waitForSpans(2);
  await broker.close();
  return { headers, send: named(spans, "send orders"), process: named(spans, "process orders") };
}

test("the globally registered propagator is used (B3 here), not a hard-coded W3C one", async () => {
  propagation.setGlobalPropagator(new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }));
  const { headers, send, process } = await roundTrip();
  expect(headers["x-b3-traceid"]).toBe(send.spanContext().traceId);
  expect(headers["x-b3-spanid"]).toBe(idOf(send));
  expect(headers.traceparent).toBeUndefined();
  expect(parentOf(process)).toBe(idOf(send));
});

test("with no global propagator, W3C trace context keeps the trace connected", async () => {
  const { headers, send, process } = await roundTrip();
  expect(headers.traceparent).toBe(`00-${send.spanContext().traceId}-${idOf(send)}-01`);
  expect(parentOf(process)).toBe(idOf(send));
});

test("an explicit propagator option wins over the global one", async () => {
  propagation.setGlobalPropagator(new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }));
  const { headers, send, process } = await roundTrip({ propagator: new B3Propagator() });
  expect(headers.b3).toMatch(new RegExp(`^${send.spanContext().traceId}-${idOf(send)}-1`));
  expect(headers["x-b3-traceid"]).toBeUndefined();
  expect(parentOf(process)).toBe(idOf(send));
});

test("a telemetry middleware made for another broker is refused with a clear error", () => {
  const kafkaFacts = { system: "kafka", broker: "kafka" } as TelemetryProvider;
  const kafkaMiddleware = new TelemetryMiddleware<"kafka">(kafkaFacts);
  // @ts-expect-error -- the brand makes this a type error; the runtime check covers untyped callers.
  expect(() => new MemoryBroker({ middlewares: [kafkaMiddleware] })).toThrow(ConfigurationError);
  expect(() => new MemoryBroker({ middlewares: [kafkaMiddleware as never] })).toThrow(/made for the kafka broker.*postline\/memory\/opentelemetry/);
});

test("an unknown semconv mode is refused at construction", () => {
  expect(() => new MemoryTelemetryMiddleware({ semconv: "newest" as never })).toThrow(/semconv must be "current" or "faststream"/);
});
