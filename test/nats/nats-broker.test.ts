import { randomUUID } from "node:crypto";
import { SpanKind } from "@opentelemetry/api";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, headers as natsHeaders } from "@nats-io/transport-node";
import { afterAll, describe, expect, onTestFinished, test } from "vitest";
import { ConfigurationError, MessageTooLargeError, NoRespondersError, silentLogger, type MessageContext } from "../../src/core/index.js";
import { NatsBroker, NatsError, NatsRouter, isJetStreamMessage, type NatsBrokerOptions, type NatsStreamConfig } from "../../src/nats/index.js";
import { NatsTelemetryMiddleware } from "../../src/nats/opentelemetry.js";
import { TelemetryRecorder, idOf, named, parentOf, traceOf } from "../conformance/otel.js";
import { Collector, sleep } from "../conformance/wait.js";
import { NATS_URL, deleteTestStreams, run } from "./harness.js";

afterAll(deleteTestStreams);

const subject = (label: string): string => `pln.${run}.${label}.${randomUUID().slice(0, 8)}`;
const stream = (label: string): NatsStreamConfig => ({ name: `postline_${label}_${randomUUID().slice(0, 6)}_${run}`, subjects: [`plx.${run}.${label}.>`], storage: "memory" });

function broker(options: NatsBrokerOptions = {}): NatsBroker {
  const created = new NatsBroker({ logger: silentLogger, servers: NATS_URL, ...options });
  onTestFinished(() => created.close());
  return created;
}

async function plainClient() {
  const nc = await connect({ servers: NATS_URL });
  onTestFinished(() => nc.close());
  return nc;
}

describe("core subjects", () => {
  test("wildcard subscriptions receive concrete subjects; spans name the template and carry the concrete subject", async () => {
    const otel = new TelemetryRecorder();
    const b = broker({ middlewares: [new NatsTelemetryMiddleware({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider })] });
    const base = subject("orders");
    const one = new Collector<string>(5_000);
    const many = new Collector<string>(5_000);
    b.subscriber(`${base}.*`).handle((_body: unknown, context: MessageContext) => one.push(context.message.destination));
    b.subscriber(`${base}.>`).handle((_body: unknown, context: MessageContext) => many.push(context.message.destination));
    await b.start();
    await b.publish("a", `${base}.created`);
    await b.publish("b", `${base}.eu.created`);
    expect(await one.first()).toBe(`${base}.created`);
    expect((await many.count(2)).sort()).toEqual([`${base}.created`, `${base}.eu.created`]);
    await sleep(50);
    expect(one.items).toHaveLength(1);
    const spans = await otel.waitForSpans(5);
    const process = named(spans, `process ${base}.*`);
    expect(process.attributes["messaging.destination.template"]).toBe(`${base}.*`);
    expect(process.attributes["messaging.destination.name"]).toBe(`${base}.created`);
    expect(spans.filter((span) => span.name === `process ${base}.>`)).toHaveLength(2);
    // Metrics name the template, not the subject: both subjects are one series, and one's count must not hide the other's.
    const consumed = (await otel.metrics()).filter((point) => point.name === "messaging.client.consumed.messages" && point.attributes["messaging.destination.template"] === `${base}.>`);
    expect(consumed.map((point) => point.value)).toEqual([2]);
  });

  test("a request to a subject nobody serves fails at once with NoRespondersError", async () => {
    const b = broker();
    await b.start();
    const started = Date.now();
    await expect(b.request("x", subject("nobody"), { timeoutMs: 5_000 })).rejects.toBeInstanceOf(NoRespondersError);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  test("headers from a plain NATS client: case kept, repeated values joined, envelope read in any case", async () => {
    const b = broker();
    const dest = subject("headers");
    const got = new Collector<MessageContext>(5_000);
    b.subscriber(dest).handle((_body: unknown, context: MessageContext) => got.push(context));
    await b.start();
    const nc = await plainClient();
    const h = natsHeaders();
    h.set("X-Tenant", "acme");
    h.append("x-tag", "a");
    h.append("x-tag", "b");
    h.set("Content-Type", "application/json");
    h.set("Correlation_Id", "corr-9");
    nc.publish(dest, JSON.stringify({ n: 1 }), { headers: h });
    const context = await got.first();
    expect(context.headers).toEqual({ "X-Tenant": "acme", "x-tag": "a,b" });
    expect(context.message.contentType).toBe("application/json");
    expect(context.correlationId).toBe("corr-9");
    expect(isJetStreamMessage(context.message.raw as never)).toBe(false);
  });

  test("a message over the server's max_payload is refused with MessageTooLargeError", async () => {
    const b = broker();
    await b.connect();
    await expect(b.publish(new Uint8Array(2 * 1024 * 1024), subject("big"))).rejects.toBeInstanceOf(MessageTooLargeError);
  });

  test("an unreachable server fails connect with an error naming NATS and the address", async () => {
    const b = broker({ servers: "nats://127.0.0.1:1", connection: { timeout: 1_000 } });
    const error = await b.start().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NatsError);
    expect((error as Error).message).toMatch(/NATS server at nats:\/\/127\.0\.0\.1:1/);
  });

  test("bad options fail with ConfigurationError: broker options at construction, subscriber options at registration", async () => {
    expect(() => new NatsBroker({ servers: [] })).toThrow(ConfigurationError);
    expect(() => new NatsBroker({ jetstream: { streams: [{ name: "", subjects: [] }] } })).toThrow(ConfigurationError);
    expect(() => new NatsBroker({ jetstream: { timeoutMs: 0 } })).toThrow(ConfigurationError);
    const b = broker();
    const router = new NatsRouter({ prefix: "orders." });
    for (const [dest, options] of [
      ["bad subject", {}],
      ["a.>.b", {}],
      [subject("ok"), { group: "has space" }],
      [subject("ok"), { maxPending: 0 }],
      [subject("ok"), { maxPending: 1.5 }],
      [subject("ok"), { maxPending: 10, jetstream: { stream: "s" } }],
      [subject("ok"), { jetstream: { stream: "" } }],
      [subject("ok"), { group: "g1", jetstream: { stream: "s", durable: "other" } }],
    ] as const) {
      expect(() => b.subscriber(dest, options as Record<string, unknown>), `${dest} ${JSON.stringify(options)}`).toThrow(ConfigurationError);
      expect(() => router.subscriber(dest, options as Record<string, unknown>), `router: ${dest} ${JSON.stringify(options)}`).toThrow(ConfigurationError);
    }
    // A router prefix that makes the whole subject invalid is only known once the router is included: start fails.
    const badPrefix = broker();
    const spaced = new NatsRouter({ prefix: "has space." });
    spaced.subscriber("ok").handle(() => undefined);
    badPrefix.include(spaced);
    await expect(badPrefix.start()).rejects.toBeInstanceOf(ConfigurationError);
  });
});

describe("JetStream", () => {
  test("streams are declared from options: created, then given the subjects they lack", async () => {
    const declared = stream("declare");
    const b = broker({ jetstream: { streams: [declared] } });
    await b.connect();
    const extra = `plx.${run}.declare-extra.>`;
    b.subscriber(`plx.${run}.declare-extra.x`, { jetstream: { stream: { ...declared, subjects: [extra] } } }).handle(() => undefined);
    await b.start();
    const nc = await plainClient();
    const info = await (await jetstreamManager(nc)).streams.info(declared.name);
    expect(info.config.subjects).toEqual([...declared.subjects, extra]);
  });

  test("a durable consumer resumes after a restart: what was published meanwhile arrives", async () => {
    const declared = stream("durable");
    const dest = `plx.${run}.durable.orders`;
    const options = { jetstream: { stream: declared, durable: `resume_${run}` } };
    const got = new Collector<string>(5_000);
    const first = broker({ jetstream: { publish: true } });
    first.subscriber(dest, options).handle((body: string) => got.push(body));
    await first.start();
    await first.publish("before", dest);
    await got.first();
    await first.close();
    const producer = broker({ jetstream: { publish: true } });
    await producer.connect();
    await producer.publish("while away", dest);
    const second = broker();
    second.subscriber(dest, options).handle((body: string) => got.push(body));
    await second.start();
    expect(await got.count(2)).toEqual(["before", "while away"]);
  });

  test("push consumption delivers and acknowledges like pull", async () => {
    const declared = stream("push");
    const dest = `plx.${run}.push.x`;
    const got = new Collector<number>(5_000);
    const b = broker({ jetstream: { publish: true } });
    b.subscriber(dest, { jetstream: { stream: declared, delivery: "push" }, ackPolicy: "nack-on-error" }).handle((_body: unknown, context: MessageContext) => {
      got.push(context.message.deliveryCount);
      if (context.message.deliveryCount === 1) throw new Error("once");
    });
    await b.start();
    await b.publish("x", dest);
    expect(await got.count(2)).toEqual([1, 2]);
  });

  test("reject terminates the message (no redelivery); ack clears it from the consumer", async () => {
    const declared = stream("term");
    const dest = `plx.${run}.term.x`;
    const durable = `term_${run}`;
    const calls = new Collector<string>(5_000);
    const b = broker({ jetstream: { publish: true } });
    b.subscriber(dest, { jetstream: { stream: declared, durable, ackWaitMs: 300 } }).handle((body: string) => {
      calls.push(body);
      if (body === "bad") throw new Error("rejected");
    });
    await b.start();
    await b.publish("bad", dest);
    await b.publish("good", dest);
    await calls.count(2);
    await sleep(600);
    expect(calls.items).toEqual(["bad", "good"]);
    const nc = await plainClient();
    const info = await (await jetstreamManager(nc)).consumers.info(declared.name, durable);
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_redelivered).toBe(0);
  });

  test("a handler slower than ackWait keeps its message: in-progress signals stop the redelivery", async () => {
    const declared = stream("wip");
    const dest = `plx.${run}.wip.x`;
    for (const inProgressMs of [150, false] as const) {
      const deliveries = new Collector<number>(5_000);
      const b = broker({ jetstream: { publish: true } });
      b.subscriber(dest, { jetstream: { stream: declared, ackWaitMs: 400, inProgressMs }, concurrency: 2 }).handle(async (_body: unknown, context: MessageContext) => {
        deliveries.push(context.message.deliveryCount);
        await sleep(1_000);
      });
      await b.start();
      await b.publish("slow", dest);
      await sleep(1_100);
      await b.close();
      // With in-progress signals, one delivery; without, the server redelivers while the handler still runs.
      if (inProgressMs === false) expect(deliveries.items.length).toBeGreaterThan(1);
      else expect(deliveries.items).toEqual([1]);
    }
  });

  test("a batch (pull) subscriber gets arrays, acked together", async () => {
    const declared = stream("batch");
    const dest = `plx.${run}.batch.x`;
    const batches = new Collector<number[]>(5_000);
    const b = broker({ jetstream: { publish: true } });
    b.subscriber(dest, { jetstream: { stream: declared, durable: `batch_${run}` }, batch: { maxSize: 3, maxWaitMs: 100 } }).handle((bodies: number[]) => {
      batches.push(bodies);
    });
    await b.start();
    await b.publishBatch([1, 2, 3, 4], dest);
    const [first, second] = await batches.count(2);
    expect([...first!, ...second!]).toEqual([1, 2, 3, 4]);
    expect(first).toHaveLength(3);
    await sleep(100);
    const nc = await plainClient();
    expect((await (await jetstreamManager(nc)).consumers.info(declared.name, `batch_${run}`)).num_ack_pending).toBe(0);
  });

  test("a request through JetStream carries its inbox in a header and gets the reply", async () => {
    const declared = stream("rpc");
    const dest = `plx.${run}.rpc.x`;
    const service = broker();
    service.subscriber(dest, { jetstream: { stream: declared } }).handle((n: number, context: MessageContext) => {
      expect(isJetStreamMessage(context.message.raw as never)).toBe(true);
      return n + 1;
    });
    await service.start();
    const client = broker({ jetstream: { publish: true } });
    await client.connect();
    expect((await client.request<number>(41, dest, { timeoutMs: 3_000 })).body).toBe(42);
  });
});

describe("telemetry with plain NATS clients", () => {
  for (const kind of ["core", "jetstream"] as const) {
    test(`a message published by a plain NATS.js client with a traceparent continues that trace (${kind})`, async () => {
      const otel = new TelemetryRecorder();
      const declared = stream(`foreign-${kind}`);
      const dest = kind === "core" ? subject("foreign") : `plx.${run}.foreign-${kind}.x`;
      const b = broker({ middlewares: [new NatsTelemetryMiddleware({ tracerProvider: otel.tracerProvider })] });
      const got = new Collector<string>(5_000);
      // No content type from a plain client, and not JSON: the body arrives as bytes.
      b.subscriber(dest, kind === "core" ? {} : { jetstream: { stream: declared } }).handle((body: Uint8Array) => got.push(Buffer.from(body).toString()));
      await b.start();
      const nc = await plainClient();
      const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
      const parentId = "00f067aa0ba902b7";
      const h = natsHeaders();
      h.set("traceparent", `00-${traceId}-${parentId}-01`);
      nc.publish(dest, "from a plain client", { headers: h });
      expect(await got.first()).toBe("from a plain client");
      const process = named(await otel.waitForSpans(1), `process ${dest}`);
      expect(traceOf(process)).toBe(traceId);
      expect(parentOf(process)).toBe(parentId);
      expect(process.kind).toBe(SpanKind.CONSUMER);
    });
  }

  test("FastStream mode, JetStream pull batch receiving 1 message published singly: 4 spans, a linked consumer create, count 1", async () => {
    const otel = new TelemetryRecorder();
    const declared = stream("fs-batch");
    const dest = `plx.${run}.fs-batch.x`;
    const b = broker({
      jetstream: { publish: true },
      middlewares: [new NatsTelemetryMiddleware({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider, semconv: "faststream" })],
    });
    const got = new Collector<unknown[]>(5_000);
    b.subscriber(dest, { jetstream: { stream: declared }, batch: { maxSize: 1, maxWaitMs: 50 } }).handle((bodies: unknown[]) => got.push(bodies));
    await b.start();
    await b.publish("hello", dest);
    expect(await got.first()).toEqual(["hello"]);
    const spans = await otel.waitForSpans(4);
    expect(spans).toHaveLength(4);
    expect(spans.map((span) => span.name)).toEqual([`${dest} create`, `${dest} publish`, `${dest} create`, `${dest} process`]);
    const [create, , consumerCreate, process] = spans;
    expect(consumerCreate!.kind).toBe(SpanKind.CONSUMER);
    expect(spans.at(-2)!.links).toHaveLength(1);
    expect(spans.at(-2)!.links[0]!.context.spanId).toBe(idOf(create!));
    expect(parentOf(process!)).toBe(idOf(consumerCreate!));
    expect(process!.attributes["messaging.batch.message_count"]).toBe(1);
    // Not FastStream's quirk (payload size = message count): the bytes of the bodies.
    expect(process!.attributes["messaging.message.payload_size_bytes"]).toBe(Buffer.byteLength("hello"));
    const points = await otel.metrics();
    expect(points.map((point) => [point.name, point.value])).toEqual([
      ["messaging.process.duration", 1],
      ["messaging.process.messages", 1],
      ["messaging.publish.duration", 1],
      ["messaging.publish.messages", 1],
    ]);
  });
});
