// FastStream's Kafka checklist (reference §7) in its Kafka form: consumer spans carry `messaging.message.id`
// "{offset}-{timestamp}" (regex `0-.+` for a fresh topic), partition 0 and offset 0. Shared by both Kafka
// adapters, which must report the same spans; each passes its broker factory and telemetry middleware.
import { SpanKind } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import { expect, onTestFinished, test } from "vitest";
import { silentLogger } from "../../../src/index.js";
import type { ConformanceBrokerOptions } from "../../conformance/harness.js";
import { TelemetryRecorder, UUID, idOf, parentOf } from "../../conformance/otel.js";
import type { TelemetryHarness } from "../../conformance/telemetry-kit.js";
import { Collector } from "../../conformance/wait.js";
import type { KafkaLikeBroker } from "./harness.js";

export interface KafkaFaststreamHarness {
  createBroker(options: ConformanceBrokerOptions): KafkaLikeBroker;
  readonly telemetry: TelemetryHarness;
  readonly uniqueTopic: (label: string) => string;
}

export function describeKafkaFaststream(harness: KafkaFaststreamHarness): void {
  function broker(otel?: TelemetryRecorder): KafkaLikeBroker {
    const middlewares = otel === undefined ? [] : [harness.telemetry.middleware({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider, semconv: "faststream" })];
    const created = harness.createBroker({ logger: silentLogger, middlewares });
    onTestFinished(() => created.close());
    return created;
  }

  function listen(on: KafkaLikeBroker, topic: string): Collector<string> {
    const got = new Collector<string>(10_000);
    on.subscriber(topic, { autoOffsetReset: "earliest" }).handle((body: string) => {
      got.push(body);
    });
    return got;
  }

  async function started(...brokers: KafkaLikeBroker[]): Promise<void> {
    for (const each of brokers) {
      await each.start();
      await each.waitForAssignment();
    }
  }

  test("create → publish → process: 3 spans, publish and process under create", async () => {
    const otel = new TelemetryRecorder();
    const traced = broker(otel);
    const queue = harness.uniqueTopic("fsk-single");
    const got = listen(traced, queue);
    await started(traced);
    await traced.publish("hello", queue);
    await got.first();
    const spans = await otel.waitForSpans(3);
    expect(spans).toHaveLength(3);
    const [create, publish, process] = spans as [ReadableSpan, ReadableSpan, ReadableSpan];
    assertSpan(create, "create", queue, "hello");
    assertSpan(publish, "publish", queue, "hello", idOf(create));
    assertSpan(process, "process", queue, "hello", idOf(create));
  });

  test("a chain is flat: both process spans hang under the first create (FastStream's 5-span tree)", async () => {
    const otel = new TelemetryRecorder();
    const traced = broker(otel);
    const [first, second] = [harness.uniqueTopic("fsk-q"), harness.uniqueTopic("fsk-q2")];
    traced.subscriber(first, { autoOffsetReset: "earliest", publishers: [traced.publisher(second)] }).handle((body: string) => body);
    const got = listen(traced, second);
    await started(traced);
    await traced.publish("hi", first);
    await got.first();
    const spans = await otel.waitForSpans(5);
    expect(spans).toHaveLength(5);
    const [create, pub1, proc1, pub2, proc2] = spans as [ReadableSpan, ReadableSpan, ReadableSpan, ReadableSpan, ReadableSpan];
    assertSpan(create, "create", first, "hi");
    assertSpan(pub1, "publish", first, "hi", idOf(create));
    assertSpan(proc1, "process", first, "hi", idOf(create));
    assertSpan(pub2, "publish", second, "hi", idOf(proc1));
    assertSpan(proc2, "process", second, "hi", idOf(create));
  });

  test("no trace context: a consumer-side create (CONSUMER) roots the process span", async () => {
    const otel = new TelemetryRecorder();
    const consumer = broker(otel);
    const producer = broker();
    const queue = harness.uniqueTopic("fsk-nocontext");
    const got = listen(consumer, queue);
    await started(consumer, producer);
    await producer.publish("hello", queue);
    await got.first();
    const spans = await otel.waitForSpans(2);
    expect(spans).toHaveLength(2);
    const [create, process] = spans as [ReadableSpan, ReadableSpan];
    expect(create.kind).toBe(SpanKind.CONSUMER);
    assertSpan(create, "create", queue, "hello");
    assertSpan(process, "process", queue, "hello", idOf(create));
  });
}

function assertSpan(span: ReadableSpan, action: "create" | "publish" | "process", queue: string, body: string, parent?: string): void {
  expect(span.name).toBe(`${queue} ${action}`);
  expect(span.attributes["messaging.system"]).toBe("kafka");
  expect(span.attributes["messaging.message.conversation_id"]).toMatch(UUID);
  if (span.kind === SpanKind.PRODUCER) expect(span.attributes["messaging.destination.name"]).toBe(queue);
  if (span.kind === SpanKind.CONSUMER) {
    expect(span.attributes["messaging.destination_publish.name"]).toBe(queue);
    expect(span.attributes["messaging.message.id"]).toMatch(/^0-.+/);
    expect(span.attributes["messaging.kafka.destination.partition"]).toBe(0);
    expect(span.attributes["messaging.kafka.message.offset"]).toBe(0);
  } else {
    expect(span.kind).toBe(SpanKind.PRODUCER);
  }
  if (action === "process") {
    expect(span.attributes["messaging.message.payload_size_bytes"]).toBe(Buffer.byteLength(body));
    expect(span.attributes["messaging.operation"]).toBe("process");
  }
  if (action === "publish") expect(span.attributes["messaging.operation"]).toBe("publish");
  if (parent !== undefined) expect(parentOf(span)).toBe(parent);
}
