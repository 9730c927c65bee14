// Kafka-specific broker tests that both Kafka adapters pass the same way: headers, tombstones, pattern
// subscriptions, commits, foreign producers with a traceparent, connect failures. What differs — the record's
// raw shape, each library's admin client and producer, the error class — comes in as parameters.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, onTestFinished, test } from "vitest";
import { silentLogger, type Logger, type MessageContext, type Middleware } from "../../../src/index.js";
import { TelemetryRecorder, named, parentOf, traceOf } from "../../conformance/otel.js";
import type { TelemetryHarness } from "../../conformance/telemetry-kit.js";
import { Collector, sleep } from "../../conformance/wait.js";
import { BOOTSTRAP, type KafkaLikeBroker } from "./harness.js";

const run = promisify(execFile);

export interface KafkaBrokerCaseHarness {
  /** The adapter's test broker; the case adds a silent logger. */
  createBroker(options: { readonly logger?: Logger; readonly middlewares?: readonly Middleware<string>[]; readonly patternRefreshMs?: number }): KafkaLikeBroker;
  readonly telemetry: TelemetryHarness;
  readonly uniqueTopic: (label: string) => string;
  /** A header of the adapter's raw record, as bytes. */
  header(raw: unknown, name: string): Uint8Array | undefined;
  /** How often pattern subscriptions look for new topics in the pattern test. */
  readonly patternRefreshMs: number;
  /** Creates topics with one partition, through the adapter's own library. */
  createTopics(topics: readonly string[]): Promise<void>;
  /** The committed offset of partition 0 of `topic` for `group`, as a decimal string. */
  committedOffset(group: string, topic: string): Promise<string | undefined>;
  /** A producer that is not Postline: it sends a plain-text value with the given headers. */
  readonly foreignProducer: { readonly name: string; readonly topicLabel: string; send(topic: string, value: string, headers: Record<string, Buffer>): Promise<void> };
  /** A broker pointed at a port nobody listens on, and the error class its connect() fails with. */
  readonly unreachable: { create(bootstrapServers: string): KafkaLikeBroker; readonly error: new (...args: never[]) => Error };
}

export interface Got {
  readonly body: unknown;
  readonly context: MessageContext;
}

export function describeKafkaBrokerCases(harness: KafkaBrokerCaseHarness): void {
  const { uniqueTopic } = harness;

  function broker(options: Parameters<KafkaBrokerCaseHarness["createBroker"]>[0] = {}): KafkaLikeBroker {
    const created = harness.createBroker({ logger: silentLogger, ...options });
    onTestFinished(() => created.close());
    return created;
  }

  function traced(otel: TelemetryRecorder, options: Parameters<KafkaBrokerCaseHarness["createBroker"]>[0] = {}): KafkaLikeBroker {
    return broker({ ...options, middlewares: [harness.telemetry.middleware({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider })] });
  }

  const header = (got: Got, name: string): Uint8Array | undefined => harness.header(got.context.message.raw, name);
  const text = (bytes: Uint8Array | undefined): string | undefined => (bytes === undefined ? undefined : Buffer.from(bytes).toString());

  test("headers as strings or bytes; properties travel as FastStream's Kafka headers", async () => {
    const kafka = broker();
    const topic = uniqueTopic("headers");
    const got = listen(kafka, topic);
    await started(kafka);
    await kafka.publish({ a: 1 }, topic, { headers: { tenant: "acme" }, binaryHeaders: { blob: new Uint8Array([0, 1, 255]) }, correlationId: "c-1" });
    const [item] = await got.count(1);
    expect(item!.context.headers.tenant).toBe("acme");
    expect([...header(item!, "blob")!]).toEqual([0, 1, 255]);
    expect(text(header(item!, "correlation_id"))).toBe("c-1");
    expect(text(header(item!, "content-type"))).toBe("application/json");
    expect(item!.context.message.correlationId).toBe("c-1");
    // Properties are fields of the message, not user headers.
    expect(item!.context.headers).not.toHaveProperty("correlation_id");
  });

  test("a tombstone is a null value with a key, and telemetry marks it", async () => {
    const otel = new TelemetryRecorder();
    const kafka = traced(otel);
    const topic = uniqueTopic("tombstone");
    const got = listen(kafka, topic);
    await started(kafka);
    await kafka.publish(undefined, topic, { key: "gone", tombstone: true });
    const [item] = await got.count(1);
    expect(item!.body).toBeUndefined();
    expect((item!.context.message.raw as { readonly value?: unknown }).value ?? null).toBeNull();
    const spans = await otel.waitForSpans(2);
    for (const span of [named(spans, `send ${topic}`), named(spans, `process ${topic}`)]) {
      expect(span.attributes["kafka.message.tombstone"]).toBe(true);
      expect(span.attributes["kafka.message.key"]).toBe("gone");
    }
  });

  test("a pattern subscription gets every matching topic, also ones created later, with the template in telemetry", async () => {
    const otel = new TelemetryRecorder();
    const kafka = traced(otel, { patternRefreshMs: harness.patternRefreshMs });
    const base = uniqueTopic("pattern");
    const [first, second, later] = [`${base}.orders.a`, `${base}.orders.b`, `${base}.orders.c`];
    const other = `${base}.invoices`;
    await harness.createTopics([first, second, other]);
    const template = `${base.replaceAll(".", "\\.")}\\.orders\\..+`;
    const got = listen(kafka, template, { pattern: true });
    await started(kafka);
    await kafka.publish("a", first);
    await kafka.publish("nope", other);
    await kafka.publish("b", second);
    expect((await got.count(2)).map((item) => item.body).sort()).toEqual(["a", "b"]);
    await harness.createTopics([later]);
    await kafka.publish("c", later);
    const all = await got.count(3);
    expect(all.map((item) => item.context.message.destination).sort()).toEqual([first, second, later]);
    expect(all.every((item) => item.context.subscriber.destination === template)).toBe(true);
    const process = (await otel.waitForSpans(6)).find((span) => span.name === `process ${template}`)!;
    expect(process.attributes["messaging.destination.template"]).toBe(template);
    expect([first, second, later]).toContain(process.attributes["messaging.destination.name"]);
    await sleep(100);
    expect(got.items).toHaveLength(3);
  });

  test("offsets are committed only for settled messages; a graceful close commits what was handled and nothing more", async () => {
    const topic = uniqueTopic("commits");
    const group = uniqueTopic("group");
    const producer = broker();
    await producer.connect();
    const first = broker();
    const seen = new Collector<number>(10_000);
    // Manual acks: 1 and 2 are acked, 3 is left unsettled, 4 and 5 are still buffered when the broker closes.
    first.subscriber(topic, { group, autoOffsetReset: "earliest", ackPolicy: "manual" }).handle(async (n: number, context) => {
      seen.push(n);
      if (n < 3) await context.ack();
      else await sleep(50);
    });
    await started(first);
    for (const n of [1, 2, 3, 4, 5]) await producer.publish(n, topic);
    await seen.count(3);
    await first.close();
    expect(await harness.committedOffset(group, topic)).toBe("2");
    // The next member of the group starts at the first unsettled message: at-least-once, nothing lost.
    const second = broker();
    const again = new Collector<Got>(10_000);
    second.subscriber(topic, { group, autoOffsetReset: "earliest" }).handle((n: number, context) => {
      again.push({ body: n, context });
    });
    await started(second);
    expect((await again.count(3)).map((item) => item.body)).toEqual([3, 4, 5]);
  });

  test("a nacked message blocks the commit of later ones until it succeeds", async () => {
    const topic = uniqueTopic("nack-commit");
    const group = uniqueTopic("group");
    const kafka = broker();
    const attempts = new Collector<[unknown, number]>(10_000);
    kafka.subscriber(topic, { group, autoOffsetReset: "earliest", ackPolicy: "nack-on-error" }).handle((body: string, context) => {
      attempts.push([body, context.message.deliveryCount]);
      if (body === "flaky" && context.message.deliveryCount < 3) throw new Error("not yet");
    });
    await started(kafka);
    await kafka.publish("flaky", topic);
    await kafka.publish("fine", topic);
    expect(await attempts.count(4)).toEqual([["flaky", 1], ["flaky", 2], ["flaky", 3], ["fine", 1]]);
    await kafka.close();
    expect(await harness.committedOffset(group, topic)).toBe("2");
  });

  test("a message from another client (kcat) with a traceparent continues that trace; its id is {offset}-{timestamp}", async () => {
    const otel = new TelemetryRecorder();
    const kafka = traced(otel);
    const topic = uniqueTopic("kcat");
    const got = listen(kafka, topic);
    await started(kafka);
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const parentId = "00f067aa0ba902b7";
    const child = run("kcat", ["-P", "-b", BOOTSTRAP, "-t", topic, "-k", "order-7", "-H", `traceparent=00-${traceId}-${parentId}-01`, "-H", "tenant=acme"]);
    child.child.stdin!.end('{"from":"kcat"}');
    await child;
    const [item] = await got.count(1);
    expect(item!.body).toEqual({ from: "kcat" });
    expect(item!.context.headers.tenant).toBe("acme");
    expect(item!.context.message.messageId).toMatch(/^0-\d+$/);
    const process = named(await otel.waitForSpans(1), `process ${topic}`);
    expect(traceOf(process)).toBe(traceId);
    expect(parentOf(process)).toBe(parentId);
    expect(process.attributes["kafka.message.key"]).toBe("order-7");
    expect(process.attributes["messaging.system.name"]).toBe("kafka");
    expect(process.attributes["server.address"]).toBe(BOOTSTRAP.slice(0, BOOTSTRAP.lastIndexOf(":")));
  });

  test(`a message from ${harness.foreignProducer.name} with a traceparent continues that trace`, async () => {
    const otel = new TelemetryRecorder();
    const kafka = traced(otel);
    const topic = uniqueTopic(harness.foreignProducer.topicLabel);
    const got = listen(kafka, topic);
    await started(kafka);
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    const parentId = "b7ad6b7169203331";
    await harness.foreignProducer.send(topic, "plain text", { traceparent: Buffer.from(`00-${traceId}-${parentId}-01`) });
    // No content-type header and not JSON: handed over as the bytes it is.
    expect(Buffer.from((await got.count(1))[0]!.body as Uint8Array).toString()).toBe("plain text");
    const process = named(await otel.waitForSpans(1), `process ${topic}`);
    expect(traceOf(process)).toBe(traceId);
    expect(parentOf(process)).toBe(parentId);
  });

  test(`an unreachable cluster fails connect() with a ${harness.unreachable.error.name} naming the servers`, async () => {
    const kafka = harness.unreachable.create("127.0.0.1:1");
    const error = await kafka.connect().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(harness.unreachable.error);
    expect((error as Error).message).toContain("127.0.0.1:1");
    expect(kafka.connected).toBe(false);
  });
}

export async function started(...brokers: KafkaLikeBroker[]): Promise<void> {
  for (const each of brokers) {
    await each.start();
    await each.waitForAssignment();
  }
}

export function listen(on: KafkaLikeBroker, topic: string, options: Record<string, unknown> = {}): Collector<Got> {
  const got = new Collector<Got>(10_000);
  on.subscriber(topic, { autoOffsetReset: "earliest", ...options }).handle((body: unknown, context) => {
    got.push({ body, context });
  });
  return got;
}
