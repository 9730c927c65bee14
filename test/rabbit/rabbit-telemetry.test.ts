import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { SpanKind } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import { afterAll, describe, expect, test } from "vitest";
import { RabbitTelemetryMiddleware } from "../../src/rabbit/opentelemetry.js";
import type { RabbitBroker } from "../../src/rabbit/index.js";
import { TelemetryRecorder, UUID, idOf, named, parentOf, traceOf } from "../conformance/otel.js";
import { Collector } from "../conformance/wait.js";
import { RABBIT_URL, cleanupRun, rabbitBroker, rabbitHarness } from "./harness.js";

const exec = promisify(execFile);
afterAll(cleanupRun);

const brokers: RabbitBroker[] = [];
afterAll(() => Promise.all(brokers.map((broker) => broker.close())));

function traced(otel: TelemetryRecorder, semconv: "current" | "faststream", extra: { includeMessagesCounters?: boolean } = {}): RabbitBroker {
  const broker = rabbitBroker({ middlewares: [new RabbitTelemetryMiddleware({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider, semconv, ...extra })] });
  brokers.push(broker);
  return broker;
}

describe("FastStream's Rabbit checklist (default exchange, queue = destination)", () => {
  test("create → publish → process named default.{queue}, with Rabbit's attributes, and 2 metrics by default", async () => {
    const otel = new TelemetryRecorder();
    const broker = traced(otel, "faststream");
    const queue = rabbitHarness.destination("fs-rabbit");
    const got = new Collector<string>(5_000);
    broker.subscriber(queue, { queue: { autoDelete: true } }).handle((body: string) => got.push(body));
    await broker.start();
    await broker.publish("hello", queue, { exchange: "" });
    expect(await got.first()).toBe("hello");
    const spans = await otel.waitForSpans(3);
    const [create, publish, process] = spans as [ReadableSpan, ReadableSpan, ReadableSpan];
    expect(spans.map((span) => span.name)).toEqual([`default.${queue} create`, `default.${queue} publish`, `default.${queue} process`]);
    expect(parentOf(publish)).toBe(idOf(create));
    expect(parentOf(process)).toBe(idOf(create));
    for (const span of spans) {
      expect(span.attributes["messaging.system"]).toBe("rabbitmq");
      expect(span.attributes["messaging.rabbitmq.destination.routing_key"]).toBe(queue);
      expect(span.attributes["messaging.message.conversation_id"]).toMatch(UUID);
    }
    for (const producer of [create, publish]) {
      expect(producer.kind).toBe(SpanKind.PRODUCER);
      expect(producer.attributes["messaging.destination.name"]).toBe("");
    }
    expect(process.kind).toBe(SpanKind.CONSUMER);
    expect(process.attributes["messaging.destination_publish.name"]).toBe("");
    expect(process.attributes["messaging.rabbitmq.message.delivery_tag"]).toBe(1);
    expect(process.attributes["messaging.message.id"]).toMatch(UUID);
    expect(process.attributes["messaging.message.payload_size_bytes"]).toBe(5);
    const points = await otel.metrics();
    expect(points.map((point) => [point.name, point.value])).toEqual([["messaging.process.duration", 1], ["messaging.publish.duration", 1]]);
    expect(points[0]!.attributes).toEqual({ "messaging.system": "rabbitmq", "messaging.destination_publish.name": `default.${queue}` });
    expect(points[1]!.attributes).toEqual({ "messaging.system": "rabbitmq", "messaging.destination.name": `default.${queue}` });
  });

  test("a named exchange names spans {exchange}.{routing key}; batch publish → single consume counts 3 with counters on", async () => {
    const otel = new TelemetryRecorder();
    const broker = traced(otel, "faststream", { includeMessagesCounters: true });
    const queue = rabbitHarness.destination("fs-ex-q");
    const exchange = { name: rabbitHarness.destination("fs-ex"), type: "direct" as const };
    const got = new Collector<unknown>(5_000);
    broker.subscriber(queue, { queue: { autoDelete: true }, exchange, routingKey: "orders" }).handle((body: unknown) => got.push(body));
    await broker.start();
    await broker.publishBatch([1, 2, 3], "orders", { exchange });
    await got.count(3);
    const spans = await otel.waitForSpans(8);
    expect(spans[1]!.name).toBe(`${exchange.name}.orders publish`);
    expect(spans[1]!.attributes["messaging.destination.name"]).toBe(exchange.name);
    expect(spans.filter((span) => span.name === `${exchange.name}.orders process`)).toHaveLength(3);
    const points = await otel.metrics();
    expect(points.map((point) => [point.name, point.value])).toEqual([
      ["messaging.process.duration", 3],
      ["messaging.process.messages", 3],
      ["messaging.publish.duration", 1],
      ["messaging.publish.messages", 3],
    ]);
  });
});

describe("current conventions: RabbitMQ destination names", () => {
  test("default exchange: `send {queue}`, `process {queue}`, routing key and delivery tag", async () => {
    const otel = new TelemetryRecorder();
    const broker = traced(otel, "current");
    const queue = rabbitHarness.destination("cur-default");
    const got = new Collector<unknown>(5_000);
    broker.subscriber(queue, { queue: { autoDelete: true } }).handle((body: unknown) => got.push(body));
    await broker.start();
    await broker.publish("x", queue, { exchange: "" });
    await got.first();
    const spans = await otel.waitForSpans(2);
    const send = named(spans, `send ${queue}`);
    const process = named(spans, `process ${queue}`);
    expect(send.attributes).toMatchObject({ "messaging.destination.name": queue, "rabbitmq.destination.routing_key": queue });
    expect(process.attributes).toMatchObject({ "messaging.destination.name": queue, "rabbitmq.destination.routing_key": queue, "rabbitmq.message.delivery_tag": 1 });
  });

  test("exchange and routing key: `send {exchange}:{key}`, `process {exchange}:{key}:{queue}`; a group names its consumer group", async () => {
    const otel = new TelemetryRecorder();
    const broker = traced(otel, "current");
    const exchange = { name: rabbitHarness.destination("cur-ex"), type: "topic" as const, autoDelete: true };
    const queue = rabbitHarness.destination("cur-q");
    const destination = rabbitHarness.destination("cur-dest");
    const got = new Collector<unknown>(5_000);
    broker.subscriber(queue, { queue: { autoDelete: true }, exchange, routingKey: "order.*" }).handle((body: unknown) => got.push(body));
    broker.subscriber(destination, { group: "billing", queueArguments: { "x-expires": 60_000 } }).handle((body: unknown) => got.push(body));
    await broker.start();
    await broker.publish("x", "order.created", { exchange });
    await broker.publish("y", destination, { routingKey: "eu" });
    await got.count(2);
    const spans = await otel.waitForSpans(4);
    named(spans, `send ${exchange.name}:order.created`);
    expect(named(spans, `process ${exchange.name}:order.created:${queue}`).attributes["messaging.destination.name"]).toBe(`${exchange.name}:order.created:${queue}`);
    named(spans, `send ${destination}:eu`);
    const grouped = named(spans, `process ${destination}:eu:${destination}.billing`);
    expect(grouped.attributes["messaging.consumer.group.name"]).toBe("billing");
  });
});

describe("a message from another AMQP client", () => {
  test("amqp-publish with a traceparent header: the process span continues that trace", async () => {
    const otel = new TelemetryRecorder();
    const broker = traced(otel, "current");
    const queue = rabbitHarness.destination("foreign");
    const got = new Collector<unknown>(5_000);
    broker.subscriber(queue, { queue: { autoDelete: true } }).handle((body: unknown) => got.push(body));
    await broker.start();
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const parentId = "00f067aa0ba902b7";
    await exec("amqp-publish", ["--url", RABBIT_URL, "-e", "", "-r", queue, "-C", "application/json", "-H", `traceparent: 00-${traceId}-${parentId}-01`, "-b", '{"from":"amqp-tools"}']);
    expect(await got.first()).toEqual({ from: "amqp-tools" });
    const process = named(await otel.waitForSpans(1), `process ${queue}`);
    expect(traceOf(process)).toBe(traceId);
    expect(parentOf(process)).toBe(parentId);
    expect(process.kind).toBe(SpanKind.CONSUMER);
  });
});
