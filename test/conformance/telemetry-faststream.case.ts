import { SpanKind, trace } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import { describe, expect } from "vitest";
import { currentBaggage, updateBaggage, type TelemetryOptions } from "../../src/opentelemetry/index.js";
import { conformance, type BrokerHarness, type Kit } from "./harness.js";
import { TelemetryRecorder, UUID, idOf, parentOf } from "./otel.js";
import type { TelemetryHarness } from "./telemetry-kit.js";

class ValueError extends Error {}

/**
 * `semconv: "faststream"`: FastStream's conformance checklist (reference/faststream-otel.md §7), so that a
 * fleet mixing Python FastStream and Postline services gets the same spans and metrics.
 */
export function describeFaststreamTelemetry(harness: BrokerHarness, telemetry: TelemetryHarness): void {
  describe(`${harness.name}: telemetry (FastStream compatibility)`, () => {
    const it = conformance(harness, "telemetry-faststream");
    const nameOf = (destination: string): string => telemetry.faststreamName?.(destination) ?? destination;

    function traced(kit: Kit, otel: TelemetryRecorder, options: TelemetryOptions = {}) {
      return kit.broker({ middlewares: [telemetry.middleware({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider, semconv: "faststream", ...options })] });
    }

    /** FastStream's `assert_span`. */
    function assertSpan(span: ReadableSpan, action: "create" | "publish" | "process", queue: string, body: string, parent?: string): void {
      expect(span.name).toBe(`${nameOf(queue)} ${action}`);
      expect(span.attributes["messaging.system"]).toBe(telemetry.system);
      expect(span.attributes["messaging.message.conversation_id"]).toMatch(UUID);
      expect([SpanKind.CONSUMER, SpanKind.PRODUCER]).toContain(span.kind);
      if (span.kind === SpanKind.PRODUCER) expect(span.attributes["messaging.destination.name"]).toBe(queue);
      if (span.kind === SpanKind.CONSUMER) {
        expect(span.attributes["messaging.destination_publish.name"]).toBe(queue);
        expect(span.attributes["messaging.message.id"]).toMatch(telemetry.faststreamConsumer?.messageId ?? UUID);
        expect(span.attributes).toMatchObject(telemetry.faststreamConsumer?.attributes ?? {});
      }
      if (action === "process") {
        expect(span.attributes["messaging.message.payload_size_bytes"]).toBe(Buffer.byteLength(body));
        expect(span.attributes["messaging.operation"]).toBe("process");
      }
      if (action === "publish") expect(span.attributes["messaging.operation"]).toBe("publish");
      if (parent !== undefined) expect(parentOf(span)).toBe(parent);
    }

    it("create → publish → process: 3 spans, publish and process under create", async (kit) => {
      const otel = new TelemetryRecorder();
      const broker = traced(kit, otel);
      const queue = kit.dest("fs-single");
      const got = kit.listen(broker, queue);
      await kit.start(broker);
      await broker.publish("hello", queue);
      await got.first();
      const spans = await otel.waitForSpans(3);
      expect(spans).toHaveLength(3);
      const [create, publish, process] = spans as [ReadableSpan, ReadableSpan, ReadableSpan];
      assertSpan(create, "create", queue, "hello");
      assertSpan(publish, "publish", queue, "hello", idOf(create));
      assertSpan(process, "process", queue, "hello", idOf(create));
      expect(got.items).toHaveLength(1);
    });

    it("a chain is flat: both process spans hang under the first create (FastStream's 5-span tree)", async (kit) => {
      const otel = new TelemetryRecorder();
      const broker = traced(kit, otel);
      const [first, second] = [kit.dest("fs-q"), kit.dest("fs-q2")];
      broker.subscriber(first, { ...kit.sub(), publishers: [broker.publisher(second)] }).handle((body: string) => body);
      const got = kit.listen(broker, second);
      await kit.start(broker);
      await broker.publish("hi", first);
      await got.first();
      const spans = await otel.waitForSpans(5);
      expect(spans).toHaveLength(5);
      const [create, pub1, proc1, pub2, proc2] = spans as [ReadableSpan, ReadableSpan, ReadableSpan, ReadableSpan, ReadableSpan];
      assertSpan(create, "create", first, "hi");
      assertSpan(pub1, "publish", first, "hi", idOf(create));
      assertSpan(proc1, "process", first, "hi", idOf(create));
      assertSpan(pub2, "publish", second, "hi", idOf(proc1));
      assertSpan(proc2, "process", second, "hi", idOf(create));
      const starts = spans.map((span) => span.startTime[0] * 1e9 + span.startTime[1]);
      expect([...starts].sort((a, b) => a - b)).toEqual(starts);
      expect(new Set(starts).size).toBe(5);
    });

    it("no trace context: a consumer-side create (CONSUMER) roots the process span", async (kit) => {
      const otel = new TelemetryRecorder();
      const consumer = traced(kit, otel);
      const producer = kit.broker();
      const queue = kit.dest("fs-nocontext");
      const got = kit.listen(consumer, queue);
      await kit.start(consumer);
      await kit.start(producer);
      await producer.publish("hello", queue);
      await got.first();
      const spans = await otel.waitForSpans(2);
      expect(spans).toHaveLength(2);
      const [create, process] = spans as [ReadableSpan, ReadableSpan];
      expect(create.kind).toBe(SpanKind.CONSUMER);
      assertSpan(create, "create", queue, "hello");
      assertSpan(process, "process", queue, "hello", idOf(create));
    });

    for (const counters of [true, false]) {
      it(`metrics ${counters ? "with" : "without"} message counters`, async (kit) => {
        const otel = new TelemetryRecorder();
        const broker = traced(kit, otel, { includeMessagesCounters: counters });
        const queue = kit.dest("fs-metrics");
        const got = kit.listen(broker, queue);
        await kit.start(broker);
        await broker.publish("hello", queue);
        await got.first();
        await otel.waitForSpans(3);
        const points = await otel.metrics();
        const names = points.map((point) => point.name);
        expect(names).toEqual(counters
          ? ["messaging.process.duration", "messaging.process.messages", "messaging.publish.duration", "messaging.publish.messages"]
          : ["messaging.process.duration", "messaging.publish.duration"]);
        for (const point of points) {
          expect(point.value).toBe(1);
          if (point.sum !== undefined) expect(Number.isInteger(point.sum)).toBe(false);
        }
        const process = points.find((point) => point.name === "messaging.process.duration")!;
        const publish = points.find((point) => point.name === "messaging.publish.duration")!;
        expect(process.attributes).toEqual({ "messaging.system": telemetry.system, "messaging.destination_publish.name": nameOf(queue) });
        expect(publish.attributes).toEqual({ "messaging.system": telemetry.system, "messaging.destination.name": nameOf(queue) });
      });
    }

    it("error metrics: the process duration carries error.type", async (kit) => {
      const otel = new TelemetryRecorder();
      const broker = traced(kit, otel);
      const queue = kit.dest("fs-error");
      const handled = kit.collector<true>();
      broker.subscriber(queue, kit.sub()).handle(() => {
        handled.push(true);
        throw new ValueError("nope");
      });
      await kit.start(broker);
      await broker.publish("hello", queue);
      await handled.first();
      await otel.waitForSpans(3);
      const points = await otel.metrics();
      const process = points.find((point) => point.name === "messaging.process.duration")!;
      expect(process.attributes["error.type"]).toBe("ValueError");
      expect(process.value).toBe(1);
      expect(points.find((point) => point.name === "messaging.process.messages")?.attributes["error.type"]).toBeUndefined();
    });

    it("the active span in a handler is the process span", async (kit) => {
      const otel = new TelemetryRecorder();
      const broker = traced(kit, otel);
      const queue = kit.dest("fs-active");
      const seen = kit.collector<string | undefined>();
      broker.subscriber(queue, kit.sub()).handle(() => {
        seen.push(trace.getActiveSpan()?.spanContext().spanId);
      });
      await kit.start(broker);
      await broker.publish("hello", queue);
      const active = await seen.first();
      const spans = await otel.waitForSpans(3);
      expect(active).toBe(idOf(spans.find((span) => span.name.endsWith(" process"))!));
    });

    it("baggage from a header built with the OTel API is the handler's baggage", async (kit) => {
      const otel = new TelemetryRecorder();
      const broker = traced(kit, otel);
      const queue = kit.dest("fs-baggage");
      const seen = kit.collector<Record<string, string>>();
      broker.subscriber(queue, kit.sub()).handle(() => {
        seen.push(currentBaggage());
      });
      await kit.start(broker);
      await broker.publish("hello", queue, { headers: { baggage: "foo=bar" } });
      expect(await seen.first()).toEqual({ foo: "bar" });
    });

    it("a handler that clears the baggage sends none downstream", async (kit) => {
      const otel = new TelemetryRecorder();
      const broker = traced(kit, otel);
      const [first, second] = [kit.dest("fs-clear"), kit.dest("fs-clear2")];
      const seen = kit.collector<Record<string, string>>();
      broker.subscriber(first, { ...kit.sub(), publishers: [broker.publisher(second)] }).handle((body: string) => {
        updateBaggage({}, { replace: true });
        return body;
      });
      broker.subscriber(second, kit.sub()).handle(() => {
        seen.push(currentBaggage());
      });
      await kit.start(broker);
      await broker.publish("hello", first, { headers: { baggage: "foo=bar" } });
      expect(await seen.first()).toEqual({});
    });

    it("a handler that modifies the baggage sends the modified baggage downstream", async (kit) => {
      const otel = new TelemetryRecorder();
      const broker = traced(kit, otel);
      const [first, second] = [kit.dest("fs-modify"), kit.dest("fs-modify2")];
      const seen = kit.collector<Record<string, string>>();
      broker.subscriber(first, { ...kit.sub(), publishers: [broker.publisher(second)] }).handle((body: string) => {
        updateBaggage({ bar: "baz", baz: "bar", foo: undefined });
        return body;
      });
      broker.subscriber(second, kit.sub()).handle(() => {
        seen.push(currentBaggage());
      });
      await kit.start(broker);
      await broker.publish("hello", first, { headers: { baggage: "foo=bar" } });
      expect(await seen.first()).toEqual({ baz: "bar", bar: "baz" });
    });

    it("batch publish → batch consume: one consumer create with 1 link carrying the count", async (kit) => {
      const otel = new TelemetryRecorder();
      const broker = traced(kit, otel);
      const queue = kit.dest("fs-batch");
      const seen = kit.collector<{ bodies: unknown[]; baggage: Record<string, string> }>();
      broker.subscriber(queue, { ...kit.sub(), batch: { maxSize: 3, maxWaitMs: 2_000 } }).handle((bodies: unknown[]) => {
        seen.push({ bodies, baggage: currentBaggage() });
      });
      await kit.start(broker);
      await broker.publishBatch([1, "hi", 3], queue, { headers: { baggage: "foo=bar" } });
      const { bodies, baggage } = await seen.first();
      expect(bodies).toEqual([1, "hi", 3]);
      // FastStream leaves its internal `with_batch` marker in the handler's baggage; Postline keeps it on the wire only.
      expect(baggage).toEqual({ foo: "bar" });
      const spans = await otel.waitForSpans(4);
      expect(spans).toHaveLength(4);
      const [, publish, createProcess, process] = spans as [ReadableSpan, ReadableSpan, ReadableSpan, ReadableSpan];
      expect(publish.attributes["messaging.batch.message_count"]).toBe(3);
      expect(process.attributes["messaging.batch.message_count"]).toBe(3);
      expect(createProcess.links).toHaveLength(1);
      expect(createProcess.links[0]!.attributes).toEqual({ "messaging.batch.message_count": 3 });
      const points = await otel.metrics();
      expect(points.map((point) => [point.name, point.value])).toEqual([
        ["messaging.process.duration", 1],
        ["messaging.process.messages", 3],
        ["messaging.publish.duration", 1],
        ["messaging.publish.messages", 3],
      ]);
    }, { needs: ["batchPublish", "batchConsume"] });

    it("batch publish → single consume: 8 spans, each message its own consumer create with 1 link", async (kit) => {
      const otel = new TelemetryRecorder();
      const broker = traced(kit, otel);
      const queue = kit.dest("fs-batch-single");
      const seen = kit.collector<Record<string, string>>();
      broker.subscriber(queue, kit.sub()).handle(() => {
        seen.push(currentBaggage());
      });
      await kit.start(broker);
      await broker.publishBatch([1, "hi", 3], queue, { headers: { baggage: "foo=bar" } });
      expect(await seen.count(3)).toEqual([{ foo: "bar" }, { foo: "bar" }, { foo: "bar" }]);
      const spans = await otel.waitForSpans(8);
      expect(spans).toHaveLength(8);
      expect(spans[1]!.attributes["messaging.batch.message_count"]).toBe(3);
      for (const index of [2, 4, 6]) {
        expect(spans[index]!.name).toBe(`${nameOf(queue)} create`);
        expect(spans[index]!.links).toHaveLength(1);
      }
      const points = await otel.metrics();
      expect(points.map((point) => [point.name, point.value])).toEqual([
        ["messaging.process.duration", 3],
        ["messaging.process.messages", 3],
        ["messaging.publish.duration", 1],
        ["messaging.publish.messages", 3],
      ]);
    }, { needs: ["batchPublish"] });

    it("two single publishes → one batch consume: the consumer create links both", async (kit) => {
      const otel = new TelemetryRecorder();
      const broker = traced(kit, otel);
      const queue = kit.dest("fs-single-batch");
      const seen = kit.collector<Record<string, string>>();
      broker.subscriber(queue, { ...kit.sub(), batch: { maxSize: 2, maxWaitMs: 2_000 } }).handle(() => {
        seen.push(currentBaggage());
      });
      await kit.start(broker);
      await broker.publish(1, queue, { headers: { baggage: "foo=bar" } });
      await broker.publish(2, queue, { headers: { baggage: "bar=baz" } });
      expect(await seen.first()).toEqual({ foo: "bar", bar: "baz" });
      const spans = await otel.waitForSpans(6);
      expect(spans).toHaveLength(6);
      expect(spans.at(-2)!.links).toHaveLength(2);
      const points = await otel.metrics();
      expect(points.map((point) => [point.name, point.value])).toEqual([
        ["messaging.process.duration", 1],
        ["messaging.process.messages", 2],
        ["messaging.publish.duration", 2],
        ["messaging.publish.messages", 2],
      ]);
    }, { needs: ["batchConsume"] });
  });
}
