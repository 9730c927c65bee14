import { SpanKind, SpanStatusCode, context, propagation, trace } from "@opentelemetry/api";
import { describe, expect } from "vitest";
import { NackMessage } from "../../src/core/index.js";
import { currentBaggage, updateBaggage, withBaggage, type TelemetryOptions } from "../../src/opentelemetry/index.js";
import { conformance, type BrokerHarness, type Kit } from "./harness.js";
import { contextManagerWorks } from "../../src/opentelemetry/context-manager.js";
import { TelemetryRecorder, activeSpanId, durationMs, idOf, named, parentOf, traceOf, withoutContextManager } from "./otel.js";
import type { TelemetryHarness } from "./telemetry-kit.js";
import { sleep } from "./wait.js";

/** Telemetry in `current` mode (TELEMETRY.md), span by span, against one broker. */
export function describeTelemetry(harness: BrokerHarness, telemetry: TelemetryHarness): void {
  describe(`${harness.name}: telemetry (current conventions)`, () => {
    const it = conformance(harness, "telemetry");

    function traced(kit: Kit, otel: TelemetryRecorder, options: TelemetryOptions = {}) {
      return kit.broker({ middlewares: [telemetry.middleware({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider, ...options })] });
    }

    function common(operation: "send" | "process", destination: string) {
      return {
        "messaging.system.name": telemetry.system,
        "messaging.operation.name": operation,
        "messaging.operation.type": operation,
        "messaging.destination.name": destination,
        ...telemetry.extraAttributes?.(operation, destination),
      };
    }

    it("a publish and its handling are `send` (PRODUCER) → `process` (CONSUMER) in one trace", async (kit) => {
      const otel = new TelemetryRecorder();
      const broker = traced(kit, otel);
      const dest = kit.dest("single");
      const got = kit.listen<string>(broker, dest);
      await kit.start(broker);
      await broker.publish("hello", dest, { correlationId: "conv-1", messageId: "msg-1" });
      await got.first();
      const [send, process] = await otel.waitForSpans(2);
      expect([send!.name, process!.name]).toEqual([`send ${dest}`, `process ${dest}`]);
      expect([send!.kind, process!.kind]).toEqual([SpanKind.PRODUCER, SpanKind.CONSUMER]);
      expect(parentOf(send!)).toBeUndefined();
      expect(parentOf(process!)).toBe(idOf(send!));
      expect(traceOf(process!)).toBe(traceOf(send!));
      const identity = { "messaging.message.id": "msg-1", "messaging.message.conversation_id": "conv-1", "messaging.message.body.size": 5 };
      expect(send!.attributes).toEqual({ ...common("send", dest), ...identity });
      expect(process!.attributes).toEqual({ ...common("process", dest), ...identity, "messaging.postline.settlement": "ack" });
      expect(send!.status.code).toBe(SpanStatusCode.UNSET);
      expect(process!.status.code).toBe(SpanStatusCode.UNSET);
    });

    it("the seed's chain nests causally: send → process → send → process", async (kit) => {
      const otel = new TelemetryRecorder();
      const broker = traced(kit, otel);
      const [a, b] = [kit.dest("chain-a"), kit.dest("chain-b")];
      broker.subscriber(a, { ...kit.sub(), publishers: [broker.publisher(b)] }).handle(async (body: string) => {
        await sleep(20);
        return `${body}!`;
      });
      const got = kit.listen<string>(broker, b);
      await kit.start(broker);
      await broker.publish("go", a);
      expect((await got.first()).body).toBe("go!");
      const spans = await otel.waitForSpans(4);
      expect(spans.map((span) => span.name)).toEqual([`send ${a}`, `process ${a}`, `send ${b}`, `process ${b}`]);
      const [sendA, processA, sendB, processB] = spans;
      expect(parentOf(processA!)).toBe(idOf(sendA!));
      expect(parentOf(sendB!)).toBe(idOf(processA!));
      expect(parentOf(processB!)).toBe(idOf(sendB!));
      expect(new Set(spans.map(traceOf)).size).toBe(1);
      expect(durationMs(processA!)).toBeGreaterThanOrEqual(20);
      // A handler's result keeps the conversation of the message it answers.
      expect(sendB!.attributes["messaging.message.conversation_id"]).toBe(processA!.attributes["messaging.message.conversation_id"]);
    });

    it("inside a handler the process span is active, and custom spans nest under it", async (kit) => {
      const otel = new TelemetryRecorder();
      const broker = traced(kit, otel);
      const dest = kit.dest("active");
      const seen = kit.collector<string | undefined>();
      broker.subscriber(dest, kit.sub()).handle(async () => {
        seen.push(activeSpanId());
        await otel.tracerProvider.getTracer("user").startActiveSpan("validate order", async (span) => span.end());
      });
      await kit.start(broker);
      await broker.publish("x", dest);
      const active = await seen.first();
      const spans = await otel.waitForSpans(3);
      const process = named(spans, `process ${dest}`);
      expect(active).toBe(idOf(process));
      expect(parentOf(named(spans, "validate order"))).toBe(idOf(process));
    });

    it("with no context manager registered by the app, the chain and a custom span still make one trace", async (kit) => {
      await withoutContextManager(async () => {
        expect(contextManagerWorks()).toBe(false);
        const otel = new TelemetryRecorder();
        const broker = traced(kit, otel);
        const [a, b] = [kit.dest("bare-a"), kit.dest("bare-b")];
        broker.subscriber(a, { ...kit.sub(), publishers: [broker.publisher(b)] }).handle(async (body: string) => {
          await otel.tracerProvider.getTracer("user").startActiveSpan("validate", async (span) => span.end());
          return body;
        });
        const got = kit.listen<string>(broker, b);
        await kit.start(broker);
        await broker.publish("go", a);
        await got.first();
        const spans = await otel.waitForSpans(5);
        const [sendA, processA, sendB, processB] = [`send ${a}`, `process ${a}`, `send ${b}`, `process ${b}`].map((name) => named(spans, name));
        expect(parentOf(sendA!)).toBeUndefined();
        expect(parentOf(processA!)).toBe(idOf(sendA!));
        expect(parentOf(named(spans, "validate"))).toBe(idOf(processA!));
        expect(parentOf(sendB!)).toBe(idOf(processA!));
        expect(parentOf(processB!)).toBe(idOf(sendB!));
        expect(new Set(spans.map(traceOf)).size).toBe(1);
        // Postline registered one (AsyncLocalStorage) at the first message.
        expect(contextManagerWorks()).toBe(true);
      });
    });

    it("a failing handler: exception event, status ERROR, error.type, and the failure in the duration metric", async (kit) => {
      const otel = new TelemetryRecorder();
      const broker = traced(kit, otel);
      const dest = kit.dest("error");
      const failed = kit.collector<true>();
      broker.subscriber(dest, kit.sub()).handle(() => {
        failed.push(true);
        throw new TypeError("bad order");
      });
      await kit.start(broker);
      await broker.publish("x", dest);
      await failed.first();
      const spans = await otel.waitForSpans(2);
      const process = named(spans, `process ${dest}`);
      expect(process.status).toEqual({ code: SpanStatusCode.ERROR, message: "TypeError: bad order" });
      expect(process.attributes["error.type"]).toBe("TypeError");
      expect(process.attributes["messaging.postline.settlement"]).toBe("reject");
      expect(process.events.map((event) => [event.name, event.attributes?.["exception.type"], event.attributes?.["exception.message"]])).toEqual([["exception", "TypeError", "bad order"]]);
      const duration = (await otel.metrics()).filter((point) => point.name === "messaging.process.duration");
      expect(duration).toHaveLength(1);
      expect(duration[0]!.attributes["error.type"]).toBe("TypeError");
    });

    it("settlement signals are outcomes, not errors", async (kit) => {
      const otel = new TelemetryRecorder();
      const broker = traced(kit, otel);
      const dest = kit.dest("signal");
      const handled = kit.collector<true>();
      broker.subscriber(dest, kit.sub()).handle(() => {
        handled.push(true);
        throw new NackMessage({ requeue: false });
      });
      await kit.start(broker);
      await broker.publish("x", dest);
      await handled.first();
      const process = named(await otel.waitForSpans(2), `process ${dest}`);
      expect(process.status.code).toBe(SpanStatusCode.UNSET);
      expect(process.attributes["error.type"]).toBeUndefined();
      expect(process.attributes["messaging.postline.settlement"]).toBe("nack");
      expect(process.events).toEqual([]);
    });

    it("metrics: durations in seconds with the conventions' buckets, and message counters", async (kit) => {
      const otel = new TelemetryRecorder();
      const broker = traced(kit, otel);
      const dest = kit.dest("metrics");
      const got = kit.listen(broker, dest);
      await kit.start(broker);
      await broker.publish({ n: 1 }, dest);
      await got.first();
      await otel.waitForSpans(2);
      const points = await otel.metrics();
      expect(points.map((point) => [point.name, point.unit, point.value])).toEqual([
        ["messaging.client.consumed.messages", "{message}", 1],
        ["messaging.client.operation.duration", "s", 1],
        ["messaging.client.sent.messages", "{message}", 1],
        ["messaging.process.duration", "s", 1],
      ]);
      const send = { "messaging.system.name": telemetry.system, "messaging.operation.name": "send", "messaging.destination.name": dest };
      const process = { "messaging.system.name": telemetry.system, "messaging.operation.name": "process", "messaging.destination.name": dest };
      expect(points[0]!.attributes).toMatchObject(process);
      expect(points[1]!.attributes).toMatchObject({ ...send, "messaging.operation.type": "send" });
      expect(points[2]!.attributes).toMatchObject(send);
      expect(points[3]!.attributes).toMatchObject(process);
      for (const histogram of [points[1]!, points[3]!]) {
        expect(histogram.boundaries).toEqual([0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]);
        expect(histogram.sum).toBeGreaterThan(0);
        expect(histogram.sum).toBeLessThan(1);
      }
    });

    it("counters can be turned off", async (kit) => {
      const otel = new TelemetryRecorder();
      const broker = traced(kit, otel, { includeMessagesCounters: false });
      const dest = kit.dest("no-counters");
      const got = kit.listen(broker, dest);
      await kit.start(broker);
      await broker.publish("x", dest);
      await got.first();
      await otel.waitForSpans(2);
      expect((await otel.metrics()).map((point) => point.name)).toEqual(["messaging.client.operation.duration", "messaging.process.duration"]);
    });

    it("baggage arrives in the handler's active OTel context, and a handler's update flows to its result", async (kit) => {
      const otel = new TelemetryRecorder();
      const broker = traced(kit, otel);
      const [a, b] = [kit.dest("bag-a"), kit.dest("bag-b")];
      const first = kit.collector<Record<string, string>>();
      const second = kit.collector<Record<string, string>>();
      broker.subscriber(a, { ...kit.sub(), publishers: [broker.publisher(b)] }).handle((body: string) => {
        first.push(entries(propagation.getBaggage(context.active())));
        updateBaggage({ foo: undefined, bar: "baz", baz: "bar" });
        return body;
      });
      broker.subscriber(b, kit.sub()).handle(() => {
        second.push(entries(propagation.getBaggage(context.active())));
      });
      await kit.start(broker);
      const withFoo = propagation.setBaggage(context.active(), propagation.createBaggage({ foo: { value: "bar" } }));
      await context.with(withFoo, () => broker.publish("x", a));
      expect(await first.first()).toEqual({ foo: "bar" });
      expect(await second.first()).toEqual({ bar: "baz", baz: "bar" });
    });

    it("a baggage header written by hand is read, and withBaggage scopes explicit publishes", async (kit) => {
      const otel = new TelemetryRecorder();
      const broker = traced(kit, otel);
      const [a, b] = [kit.dest("hand-a"), kit.dest("hand-b")];
      const first = kit.collector<Record<string, string>>();
      const second = kit.collector<Record<string, string>>();
      broker.subscriber(a, kit.sub()).handle(async (_body, ctx) => {
        first.push(currentBaggage());
        await withBaggage({ tenant: "acme" }, () => ctx.broker.publish("y", b));
      });
      broker.subscriber(b, kit.sub()).handle(() => {
        second.push(currentBaggage());
      });
      await kit.start(broker);
      await broker.publish("x", a, { headers: { baggage: "user-id=42" } });
      expect(await first.first()).toEqual({ "user-id": "42" });
      expect(await second.first()).toEqual({ "user-id": "42", tenant: "acme" });
    });

    it("an explicit publish inside a handler is a child of its process span", async (kit) => {
      const otel = new TelemetryRecorder();
      const broker = traced(kit, otel);
      const [a, b] = [kit.dest("explicit-a"), kit.dest("explicit-b")];
      broker.subscriber(a, kit.sub()).handle(async (_body, ctx) => {
        await ctx.broker.publish("inner", b);
      });
      const got = kit.listen(broker, b);
      await kit.start(broker);
      await broker.publish("outer", a);
      await got.first();
      const spans = await otel.waitForSpans(4);
      expect(parentOf(named(spans, `send ${b}`))).toBe(idOf(named(spans, `process ${a}`)));
      expect(parentOf(named(spans, `process ${b}`))).toBe(idOf(named(spans, `send ${b}`)));
    });

    it("RPC: the requester's send lasts until the reply; the reply is `send` without a destination", async (kit) => {
      const otel = new TelemetryRecorder();
      const broker = traced(kit, otel);
      const dest = kit.dest("rpc");
      broker.subscriber(dest, kit.sub()).handle(async (n: number) => {
        await sleep(30);
        return n * 2;
      });
      await kit.start(broker);
      const reply = await broker.request<number>(21, dest);
      expect(reply.body).toBe(42);
      const spans = await otel.waitForSpans(3);
      const request = named(spans, `send ${dest}`);
      const process = named(spans, `process ${dest}`);
      const answer = named(spans, "send");
      expect(request.kind).toBe(SpanKind.PRODUCER);
      expect(parentOf(process)).toBe(idOf(request));
      expect(parentOf(answer)).toBe(idOf(process));
      expect(answer.attributes["messaging.destination.temporary"]).toBe(true);
      expect(durationMs(request)).toBeGreaterThanOrEqual(30);
    }, { needs: ["requestReply"] });

    it("a foreign producer's traceparent is continued and never replaced", async (kit) => {
      const otel = new TelemetryRecorder();
      const consumer = traced(kit, otel);
      const dest = kit.dest("foreign");
      const got = kit.listen(consumer, dest);
      await kit.start(consumer);
      const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
      const parentId = "00f067aa0ba902b7";
      const traceparent = `00-${traceId}-${parentId}-01`;
      await consumer.publish("x", dest, { headers: { traceparent } });
      const received = await got.first();
      expect(received.context.headers.traceparent).toBe(traceparent);
      const spans = await otel.waitForSpans(2);
      const send = named(spans, `send ${dest}`);
      const process = named(spans, `process ${dest}`);
      expect(send.links.map((link) => link.context.spanId)).toEqual([parentId]);
      expect(traceOf(process)).toBe(traceId);
      expect(parentOf(process)).toBe(parentId);
    });

    it("malformed traceparent and baggage headers are tolerated: a new trace, the message handled", async (kit) => {
      const otel = new TelemetryRecorder();
      const consumer = traced(kit, otel);
      const producer = kit.broker();
      const dest = kit.dest("malformed");
      const got = kit.listen(consumer, dest);
      await kit.start(consumer);
      await kit.start(producer);
      await producer.publish("x", dest, { headers: { traceparent: "00-zzzz-not-a-trace", baggage: "%%%;;=,=bad" } });
      const received = await got.first();
      expect(received.body).toBe("x");
      const process = named(await otel.waitForSpans(1), `process ${dest}`);
      expect(parentOf(process)).toBeUndefined();
      expect(process.attributes["messaging.postline.settlement"]).toBe("ack");
    });

    it("a message without trace context starts a new trace, even if a span was active when the broker started", async (kit) => {
      const otel = new TelemetryRecorder();
      const consumer = traced(kit, otel);
      const producer = kit.broker();
      const dest = kit.dest("ambient");
      const got = kit.listen(consumer, dest);
      // Client libraries run their callbacks in the async context their connection was opened in.
      const startup = otel.tracerProvider.getTracer("app").startSpan("startup");
      await context.with(trace.setSpan(context.active(), startup), () => kit.start(consumer));
      startup.end();
      await kit.start(producer);
      await producer.publish("x", dest);
      await got.first();
      const process = named(await otel.waitForSpans(2), `process ${dest}`);
      expect(parentOf(process)).toBeUndefined();
      expect(traceOf(process)).not.toBe(startup.spanContext().traceId);
    });

    it("consumerContext 'link': each process starts a trace linked to the creation context, baggage kept", async (kit) => {
      const otel = new TelemetryRecorder();
      const broker = traced(kit, otel, { consumerContext: "link" });
      const dest = kit.dest("link");
      const seen = kit.collector<Record<string, string>>();
      broker.subscriber(dest, kit.sub()).handle(() => {
        seen.push(currentBaggage());
      });
      await kit.start(broker);
      await withBaggage({ foo: "bar" }, () => broker.publish("x", dest));
      expect(await seen.first()).toEqual({ foo: "bar" });
      const spans = await otel.waitForSpans(2);
      const send = named(spans, `send ${dest}`);
      const process = named(spans, `process ${dest}`);
      expect(parentOf(process)).toBeUndefined();
      expect(traceOf(process)).not.toBe(traceOf(send));
      expect(process.links.map((link) => link.context.spanId)).toEqual([idOf(send)]);
    });

    it("batch publish: a `create` per message, one `send` (CLIENT) linking them, each process under its create", async (kit) => {
      const otel = new TelemetryRecorder();
      const broker = traced(kit, otel);
      const dest = kit.dest("batch-pub");
      const got = kit.listen(broker, dest);
      await kit.start(broker);
      await broker.publishBatch(["a", "b", "c"], dest);
      await got.count(3);
      const spans = await otel.waitForSpans(7);
      const creates = spans.filter((span) => span.name === `create ${dest}`);
      const send = named(spans, `send ${dest}`);
      const processes = spans.filter((span) => span.name === `process ${dest}`);
      expect(creates.map((span) => span.kind)).toEqual([SpanKind.PRODUCER, SpanKind.PRODUCER, SpanKind.PRODUCER]);
      expect(send.kind).toBe(SpanKind.CLIENT);
      expect(send.attributes["messaging.batch.message_count"]).toBe(3);
      expect(send.links.map((link) => link.context.spanId).sort()).toEqual(creates.map(idOf).sort());
      expect(processes.map(parentOf).sort()).toEqual(creates.map(idOf).sort());
    }, { needs: ["batchPublish"] });

    it("batch consume: one process span, a new trace, linked to every message's creation context", async (kit) => {
      const otel = new TelemetryRecorder();
      const broker = traced(kit, otel);
      const dest = kit.dest("batch-consume");
      const got = kit.collector<unknown[]>();
      broker.subscriber(dest, { ...kit.sub(), batch: { maxSize: 3, maxWaitMs: 2_000 } }).handle((bodies: unknown[]) => {
        got.push(bodies);
      });
      await kit.start(broker);
      for (const body of ["a", "b", "c"]) await broker.publish(body, dest);
      expect(await got.first()).toEqual(["a", "b", "c"]);
      const spans = await otel.waitForSpans(4);
      const sends = spans.filter((span) => span.name === `send ${dest}`);
      const process = named(spans, `process ${dest}`);
      expect(parentOf(process)).toBeUndefined();
      expect(process.attributes["messaging.batch.message_count"]).toBe(3);
      expect(process.attributes["messaging.message.id"]).toBeUndefined();
      expect(process.links.map((link) => link.context.spanId).sort()).toEqual(sends.map(idOf).sort());
      expect(process.links.every((link) => typeof link.attributes?.["messaging.message.id"] === "string")).toBe(true);
    }, { needs: ["batchConsume"] });

    it("hooks add attributes; a throwing hook changes nothing else", async (kit) => {
      const otel = new TelemetryRecorder();
      const broker = traced(kit, otel, {
        publishHook: (span, command) => span.setAttribute("app.kind", command.kind),
        consumeHook: () => {
          throw new Error("hook bug");
        },
      });
      const dest = kit.dest("hooks");
      const got = kit.listen(broker, dest);
      await kit.start(broker);
      await broker.publish("x", dest);
      await got.first();
      const spans = await otel.waitForSpans(2);
      expect(named(spans, `send ${dest}`).attributes["app.kind"]).toBe("publish");
      expect(named(spans, `process ${dest}`).attributes["messaging.postline.settlement"]).toBe("ack");
    });

    it("ignored destinations are not traced", async (kit) => {
      const otel = new TelemetryRecorder();
      const health = kit.dest("health");
      const broker = traced(kit, otel, { ignore: (destination) => destination === health });
      const got = kit.listen(broker, health);
      await kit.start(broker);
      await broker.publish("ping", health);
      await got.first();
      await kit.quiet();
      expect(await otel.spans()).toEqual([]);
    });

    it("OTEL_SEMCONV_STABILITY_OPT_IN=messaging/dup also writes the previous keys", async (kit) => {
      const otel = new TelemetryRecorder();
      const previous = process.env.OTEL_SEMCONV_STABILITY_OPT_IN;
      process.env.OTEL_SEMCONV_STABILITY_OPT_IN = "http,messaging/dup";
      let broker;
      try {
        broker = traced(kit, otel);
      } finally {
        if (previous === undefined) delete process.env.OTEL_SEMCONV_STABILITY_OPT_IN;
        else process.env.OTEL_SEMCONV_STABILITY_OPT_IN = previous;
      }
      const dest = kit.dest("dup");
      const got = kit.listen(broker, dest);
      await kit.start(broker);
      await broker.publish("x", dest);
      await got.first();
      const spans = await otel.waitForSpans(2);
      for (const span of spans) {
        expect(span.attributes["messaging.system"]).toBe(telemetry.system);
        expect(span.attributes["messaging.system.name"]).toBe(telemetry.system);
      }
    });

    it("no span leaks into the publisher's context: the consumer's active span is its own", async (kit) => {
      const otel = new TelemetryRecorder();
      const broker = traced(kit, otel);
      const dest = kit.dest("isolation");
      const seen = kit.collector<string | undefined>();
      broker.subscriber(dest, kit.sub()).handle(() => {
        seen.push(trace.getActiveSpan()?.spanContext().traceId);
      });
      await kit.start(broker);
      const outer = otel.tracerProvider.getTracer("app").startSpan("http request");
      await context.with(trace.setSpan(context.active(), outer), () => broker.publish("x", dest));
      outer.end();
      const traceId = await seen.first();
      const spans = await otel.waitForSpans(3);
      expect(parentOf(named(spans, `send ${dest}`))).toBe(idOf(outer as unknown as Parameters<typeof idOf>[0]));
      expect(traceId).toBe(outer.spanContext().traceId);
    });
  });
}

function entries(baggage: ReturnType<typeof propagation.getBaggage>): Record<string, string> {
  return Object.fromEntries((baggage?.getAllEntries() ?? []).map(([key, entry]) => [key, entry.value]));
}
