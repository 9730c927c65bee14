import Confluent from "@confluentinc/kafka-javascript";
import { afterAll, expect, expectTypeOf, onTestFinished, test } from "vitest";
import { ConfluentBroker, ConfluentError, type ConfluentRecord } from "../../src/confluent/index.js";
import { explainLoadFailure } from "../../src/confluent/errors.js";
import { KafkaTelemetryMiddleware } from "../../src/confluent/opentelemetry.js";
import { ConfigurationError, MissingPeerDependencyError, silentLogger } from "../../src/index.js";
import { KafkaBroker } from "../../src/kafka/index.js";
import { KafkaTelemetryMiddleware as PlatformaticKafkaTelemetryMiddleware } from "../../src/kafka/opentelemetry.js";
import { MemoryBroker } from "../../src/memory/index.js";
import { describeKafkaBrokerCases, listen, started, type Got } from "../kafka/shared/broker.case.js";
import { BOOTSTRAP, caseBroker, confluentBroker, confluentTelemetryHarness, deleteRunTopics, uniqueTopic, withAdmin } from "./harness.js";

// The Kafka tests both adapters share are in test/kafka/shared/broker.case.ts; here are the ones whose record
// shape, types or native binding are librdkafka's own.

function broker(options: Parameters<typeof confluentBroker>[0] = {}): ConfluentBroker {
  const created = confluentBroker({ logger: silentLogger, ...options });
  onTestFinished(() => created.close());
  return created;
}

const raw = (got: Got): ConfluentRecord => got.context.message.raw as ConfluentRecord;
const header = (record: ConfluentRecord, name: string): Buffer | undefined => record.headers?.find((entry) => name in entry)?.[name] as Buffer | undefined;

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

describeKafkaBrokerCases({
  createBroker: caseBroker,
  telemetry: confluentTelemetryHarness,
  uniqueTopic,
  header: (record, name) => header(record as ConfluentRecord, name),
  // Here it is librdkafka's metadata refresh interval, which is how its pattern subscriptions notice new topics.
  patternRefreshMs: 300,
  createTopics: (topics) => withAdmin((admin) => admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 1 })) })).then(() => undefined),
  committedOffset: async (group, topic) => {
    const offsets = await withAdmin((admin) => admin.fetchOffsets({ groupId: group, topics: [topic] }));
    return offsets.find((entry) => entry.topic === topic)?.partitions.find((entry) => entry.partition === 0)?.offset;
  },
  foreignProducer: {
    name: "the library's own KafkaJS-style producer",
    topicLabel: "plain",
    send: async (topic, value, headers) => {
      const producer = new Confluent.KafkaJS.Kafka({ "bootstrap.servers": BOOTSTRAP, log_level: 0 }).producer();
      await producer.connect();
      await producer.send({ topic, messages: [{ value, headers }] });
      await producer.disconnect();
    },
  },
  unreachable: { create: (bootstrapServers) => new ConfluentBroker({ bootstrapServers, connectTimeoutMs: 1_500, logger: silentLogger }), error: ConfluentError },
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
