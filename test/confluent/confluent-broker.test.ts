import { execFile } from "node:child_process";
import { promisify } from "node:util";
import Confluent from "@confluentinc/kafka-javascript";
import { afterAll, expect, expectTypeOf, onTestFinished, test } from "vitest";
import { ConfluentBroker, ConfluentError, type ConfluentRecord } from "../../src/confluent/index.js";
import { explainLoadFailure } from "../../src/confluent/errors.js";
import { KafkaTelemetryMiddleware } from "../../src/confluent/opentelemetry.js";
import { ConfigurationError, MissingPeerDependencyError, silentLogger, type MessageContext } from "../../src/index.js";
import { KafkaBroker } from "../../src/kafka/index.js";
import { KafkaTelemetryMiddleware as PlatformaticKafkaTelemetryMiddleware } from "../../src/kafka/opentelemetry.js";
import { MemoryBroker } from "../../src/memory/index.js";
import { TelemetryRecorder, named, parentOf, traceOf } from "../conformance/otel.js";
import { Collector, sleep } from "../conformance/wait.js";
import { BOOTSTRAP, confluentBroker, deleteRunTopics, uniqueTopic, withAdmin } from "./harness.js";

const run = promisify(execFile);

interface Got {
  readonly body: unknown;
  readonly context: MessageContext;
}

function broker(options: Parameters<typeof confluentBroker>[0] = {}): ConfluentBroker {
  const created = confluentBroker({ logger: silentLogger, ...options });
  onTestFinished(() => created.close());
  return created;
}

async function started(...brokers: ConfluentBroker[]): Promise<void> {
  for (const each of brokers) {
    await each.start();
    await each.waitForAssignment();
  }
}

function listen(on: ConfluentBroker, topic: string, options: Record<string, unknown> = {}): Collector<Got> {
  const got = new Collector<Got>(10_000);
  on.subscriber(topic, { autoOffsetReset: "earliest", ...options }).handle((body: unknown, context) => {
    got.push({ body, context });
  });
  return got;
}

const raw = (got: Got): ConfluentRecord => got.context.message.raw as ConfluentRecord;
const header = (record: ConfluentRecord, name: string): Buffer | undefined => record.headers?.find((entry) => name in entry)?.[name] as Buffer | undefined;

async function committedOffset(group: string, topic: string): Promise<string | undefined> {
  const offsets = await withAdmin((admin) => admin.fetchOffsets({ groupId: group, topics: [topic] }));
  return offsets.find((entry) => entry.topic === topic)?.partitions.find((entry) => entry.partition === 0)?.offset;
}

test("publish with key, partition and timestamp; one key stays on one partition", async () => {
  const kafka = broker({ topicPartitions: 3 });
  const topic = uniqueTopic("keys");
  const got = listen(kafka, topic);
  await started(kafka);
  const timestamp = new Date("2026-01-02T03:04:05.678Z");
  await kafka.publish("pinned", topic, { key: "user-1", partition: 2, timestamp });
  for (const n of [1, 2, 3, 4]) await kafka.publish(n, topic, { key: new TextEncoder().encode("same-key") });
  const items = await got.count(5);
  const pinned = items.find((item) => item.body === "pinned")!;
  const keyed = items.filter((item) => item !== pinned);
  expect(raw(pinned).partition).toBe(2);
  expect(String(raw(pinned).key)).toBe("user-1");
  expect(raw(pinned).timestamp).toBe(timestamp.getTime());
  expect(new Set(keyed.map((item) => raw(item).partition)).size).toBe(1);
  // Within a partition the order is kept.
  expect(keyed.map((item) => item.body)).toEqual([1, 2, 3, 4]);
});

test("headers as strings or bytes; properties travel as FastStream's Kafka headers", async () => {
  const kafka = broker();
  const topic = uniqueTopic("headers");
  const got = listen(kafka, topic);
  await started(kafka);
  await kafka.publish({ a: 1 }, topic, { headers: { tenant: "acme" }, binaryHeaders: { blob: new Uint8Array([0, 1, 255]) }, correlationId: "c-1" });
  const [item] = await got.count(1);
  expect(item!.context.headers.tenant).toBe("acme");
  expect([...header(raw(item!), "blob")!]).toEqual([0, 1, 255]);
  expect(header(raw(item!), "correlation_id")?.toString()).toBe("c-1");
  expect(header(raw(item!), "content-type")?.toString()).toBe("application/json");
  expect(item!.context.message.correlationId).toBe("c-1");
  // Properties are fields of the message, not user headers.
  expect(item!.context.headers).not.toHaveProperty("correlation_id");
});

test("a tombstone is a null value with a key, and telemetry marks it", async () => {
  const otel = new TelemetryRecorder();
  const kafka = broker({ middlewares: [new KafkaTelemetryMiddleware({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider })] });
  const topic = uniqueTopic("tombstone");
  const got = listen(kafka, topic);
  await started(kafka);
  await kafka.publish(undefined, topic, { key: "gone", tombstone: true });
  const [item] = await got.count(1);
  expect(item!.body).toBeUndefined();
  expect(raw(item!).value ?? null).toBeNull();
  const spans = await otel.waitForSpans(2);
  for (const span of [named(spans, `send ${topic}`), named(spans, `process ${topic}`)]) {
    expect(span.attributes["kafka.message.tombstone"]).toBe(true);
    expect(span.attributes["kafka.message.key"]).toBe("gone");
  }
});

test("a pattern subscription gets every matching topic, also ones created later, with the template in telemetry", async () => {
  const otel = new TelemetryRecorder();
  const kafka = broker({ patternRefreshMs: 300, middlewares: [new KafkaTelemetryMiddleware({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider })] });
  const base = uniqueTopic("pattern");
  const [first, second, later] = [`${base}.orders.a`, `${base}.orders.b`, `${base}.orders.c`];
  const other = `${base}.invoices`;
  await withAdmin((admin) => admin.createTopics({ topics: [first, second, other].map((topic) => ({ topic, numPartitions: 1 })) }));
  const template = `${base.replaceAll(".", "\\.")}\\.orders\\..+`;
  const got = listen(kafka, template, { pattern: true });
  await started(kafka);
  await kafka.publish("a", first);
  await kafka.publish("nope", other);
  await kafka.publish("b", second);
  expect((await got.count(2)).map((item) => item.body).sort()).toEqual(["a", "b"]);
  await withAdmin((admin) => admin.createTopics({ topics: [{ topic: later, numPartitions: 1 }] }));
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
  expect(await committedOffset(group, topic)).toBe("2");
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
  expect(await committedOffset(group, topic)).toBe("2");
});

test("a message from another client (kcat) with a traceparent continues that trace; its id is {offset}-{timestamp}", async () => {
  const otel = new TelemetryRecorder();
  const kafka = broker({ middlewares: [new KafkaTelemetryMiddleware({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider })] });
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

test("a message from the library's own KafkaJS-style producer with a traceparent continues that trace", async () => {
  const otel = new TelemetryRecorder();
  const kafka = broker({ middlewares: [new KafkaTelemetryMiddleware({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider })] });
  const topic = uniqueTopic("plain");
  const got = listen(kafka, topic);
  await started(kafka);
  const producer = new Confluent.KafkaJS.Kafka({ "bootstrap.servers": BOOTSTRAP, log_level: 0 }).producer();
  await producer.connect();
  const traceId = "0af7651916cd43dd8448eb211c80319c";
  const parentId = "b7ad6b7169203331";
  await producer.send({ topic, messages: [{ value: "plain text", headers: { traceparent: Buffer.from(`00-${traceId}-${parentId}-01`) } }] });
  await producer.disconnect();
  // No content-type header and not JSON: handed over as the bytes it is.
  expect(Buffer.from((await got.count(1))[0]!.body as Uint8Array).toString()).toBe("plain text");
  const process = named(await otel.waitForSpans(1), `process ${topic}`);
  expect(traceOf(process)).toBe(traceId);
  expect(parentOf(process)).toBe(parentId);
});

test("the confluent KafkaTelemetryMiddleware cannot be attached to another broker, not even postline/kafka (FastStream #2773)", () => {
  const middleware = new KafkaTelemetryMiddleware();
  expectTypeOf(middleware.broker).toEqualTypeOf<"confluent">();
  // @ts-expect-error -- the confluent middleware on the @platformatic/kafka broker does not type-check
  expect(() => new KafkaBroker({ middlewares: [middleware] })).toThrow(ConfigurationError);
  // @ts-expect-error -- nor on the in-process broker
  expect(() => new MemoryBroker({ middlewares: [middleware] })).toThrow(/made for the confluent broker/);
  // Subscriber options take any middleware by type (`Middleware<string>`); the brand is checked at registration.
  expect(() => new KafkaBroker().subscriber("x", { middlewares: [middleware] })).toThrow(ConfigurationError);
});

test("postline/kafka's KafkaTelemetryMiddleware cannot be attached to the confluent broker", () => {
  const middleware = new PlatformaticKafkaTelemetryMiddleware();
  expectTypeOf(middleware.broker).toEqualTypeOf<"kafka">();
  // @ts-expect-error -- same class name, other broker: a type error
  expect(() => new ConfluentBroker({ middlewares: [middleware] })).toThrow(/made for the kafka broker/);
  expect(() => new ConfluentBroker().subscriber("x", { middlewares: [middleware] })).toThrow(ConfigurationError);
  expect(new ConfluentBroker({ middlewares: [new KafkaTelemetryMiddleware()] })).toBeInstanceOf(ConfluentBroker);
});

test("an unreachable cluster fails connect() with a ConfluentError naming the servers", async () => {
  const kafka = new ConfluentBroker({ bootstrapServers: "127.0.0.1:1", connectTimeoutMs: 1_500, logger: silentLogger });
  const error = await kafka.connect().catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ConfluentError);
  expect((error as Error).message).toContain("127.0.0.1:1");
  expect(kafka.connected).toBe(false);
});

test("a native binding that does not load says to run `npm run setup:native`; a missing package stays a MissingPeerDependencyError", () => {
  const dlopen = Object.assign(new Error("libstdc++ mismatch"), { code: "ERR_DLOPEN_FAILED" });
  const explained = explainLoadFailure(dlopen);
  expect(explained).toBeInstanceOf(ConfluentError);
  expect((explained as Error).message).toContain("npm run setup:native");
  expect((explained as Error).cause).toBe(dlopen);
  const notBuilt = explainLoadFailure(new Error("Could not locate the bindings file. Tried: build/Release/confluent-kafka-javascript.node"));
  expect((notBuilt as Error).message).toContain("npm run setup:native");
  const missing = new MissingPeerDependencyError("@confluentinc/kafka-javascript", "postline/confluent");
  expect(explainLoadFailure(missing)).toBe(missing);
});

test("wrong options are refused: at construction, at registration, at publish", async () => {
  expect(() => new ConfluentBroker({ bootstrapServers: "no-port" })).toThrow(ConfigurationError);
  expect(() => new ConfluentBroker({ heartbeatIntervalMs: 5_000, sessionTimeoutMs: 1_000 })).toThrow(ConfigurationError);
  expect(() => new ConfluentBroker({ acks: "some" as "all" })).toThrow(ConfigurationError);
  expect(() => new ConfluentBroker({ connectTimeoutMs: 0 })).toThrow(ConfigurationError);
  const kafka = broker();
  expect(() => kafka.subscriber("(", { pattern: true })).toThrow(ConfigurationError);
  expect(() => kafka.subscriber("t", { maxDeliveries: 0 })).toThrow(ConfigurationError);
  expect(() => kafka.subscriber("t", { pattern: /orders/i })).toThrow(/no RegExp flags/);
  expect(() => kafka.subscriber("t", { autoOffsetReset: "middle" as "latest" })).toThrow(ConfigurationError);
  await kafka.connect();
  await expect(kafka.publish("x", uniqueTopic("bad"), { partition: -1 })).rejects.toBeInstanceOf(ConfigurationError);
  await expect(kafka.publish("not empty", uniqueTopic("bad"), { key: "k", tombstone: true })).rejects.toBeInstanceOf(ConfigurationError);
  // @ts-expect-error -- a tombstone needs a key, by type too
  await expect(kafka.publish(undefined, uniqueTopic("bad"), { tombstone: true })).rejects.toBeInstanceOf(ConfigurationError);
});

afterAll(deleteRunTopics, 30_000);
