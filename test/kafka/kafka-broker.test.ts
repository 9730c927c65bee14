import { Admin } from "@platformatic/kafka";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, expect, expectTypeOf, onTestFinished, test } from "vitest";
import { ConfigurationError, silentLogger } from "../../src/index.js";
import { KafkaBroker, KafkaError, type KafkaRecord } from "../../src/kafka/index.js";
import { KafkaTelemetryMiddleware } from "../../src/kafka/opentelemetry.js";
import { MemoryBroker } from "../../src/memory/index.js";
import { describeKafkaBrokerCases, listen, started, type Got } from "./shared/broker.case.js";
import { BOOTSTRAP, caseBroker, deleteRunTopics, kafkaBroker, kafkaTelemetryHarness, uniqueTopic } from "./harness.js";

// The Kafka tests both adapters share are in shared/broker.case.ts; here are the ones whose record shape or
// types are @platformatic/kafka's own.

function broker(options: Parameters<typeof kafkaBroker>[0] = {}): KafkaBroker {
  const created = kafkaBroker({ logger: silentLogger, ...options });
  onTestFinished(() => created.close());
  return created;
}

const raw = (got: Got): KafkaRecord => got.context.message.raw as KafkaRecord;

async function withAdmin<T>(use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Admin({ clientId: "postline-test-admin", bootstrapBrokers: [BOOTSTRAP] });
  try {
    return await use(admin);
  } finally {
    await admin.close();
  }
}

test("publish with key, partition and timestamp; one key stays on one partition", async () => {
  const kafka = broker({ topicPartitions: 3 });
  const topic = uniqueTopic("keys");
  const got = listen(kafka, topic);
  await started(kafka);
  const timestamp = new Date("2026-01-02T03:04:05.678Z");
  await kafka.publish("pinned", topic, { key: "user-1", partition: 2, timestamp });
  for (const n of [1, 2, 3, 4]) await kafka.publish(n, topic, { key: new TextEncoder().encode("same-key") });
  const [pinned, ...keyed] = await got.count(5);
  expect(raw(pinned!).partition).toBe(2);
  expect(raw(pinned!).key.toString()).toBe("user-1");
  expect(raw(pinned!).timestamp).toBe(BigInt(timestamp.getTime()));
  expect(new Set(keyed.map((item) => raw(item).partition)).size).toBe(1);
  // Within a partition the order is kept.
  expect(keyed.map((item) => item.body)).toEqual([1, 2, 3, 4]);
});

describeKafkaBrokerCases({
  createBroker: caseBroker,
  telemetry: kafkaTelemetryHarness,
  uniqueTopic,
  header: (record, name) => (record as KafkaRecord).headers.get(name),
  patternRefreshMs: 200,
  createTopics: (topics) => withAdmin((admin) => admin.createTopics({ topics: [...topics], partitions: 1, replicas: 1 })).then(() => undefined),
  committedOffset: async (group, topic) => {
    const committed = await withAdmin((admin) => admin.listConsumerGroupOffsets({ groups: [group] }));
    return String(committed[0]!.topics.find((entry) => entry.name === topic)!.partitions[0]!.committedOffset);
  },
  foreignProducer: {
    name: "kafkajs",
    topicLabel: "kafkajs",
    send: async (topic, value, headers) => {
      const producer = new Kafka({ brokers: [BOOTSTRAP], logLevel: logLevel.NOTHING }).producer();
      await producer.connect();
      await producer.send({ topic, messages: [{ value, headers }] });
      await producer.disconnect();
    },
  },
  unreachable: { create: (bootstrapServers) => new KafkaBroker({ bootstrapServers, logger: silentLogger }), error: KafkaError },
});

test("KafkaTelemetryMiddleware cannot be attached to another broker (FastStream #2773)", () => {
  const middleware = new KafkaTelemetryMiddleware();
  expectTypeOf(middleware.broker).toEqualTypeOf<"kafka">();
  // @ts-expect-error -- a Kafka middleware on the in-process broker does not type-check
  expect(() => new MemoryBroker({ middlewares: [middleware] })).toThrow(/made for the kafka broker/);
  const memory = new MemoryBroker();
  // Subscriber options take any middleware by type (`Middleware<string>`); the brand is checked at registration.
  expect(() => memory.subscriber("x", { middlewares: [middleware] })).toThrow(ConfigurationError);
});

test("wrong Kafka options are refused: at construction, at registration, at publish", async () => {
  expect(() => new KafkaBroker({ bootstrapServers: "no-port" })).toThrow(ConfigurationError);
  expect(() => new KafkaBroker({ heartbeatIntervalMs: 5_000, sessionTimeoutMs: 1_000 })).toThrow(ConfigurationError);
  expect(() => new KafkaBroker({ acks: "some" as "all" })).toThrow(ConfigurationError);
  const kafka = broker();
  expect(() => kafka.subscriber("(", { pattern: true })).toThrow(ConfigurationError);
  expect(() => kafka.subscriber("t", { maxDeliveries: 0 })).toThrow(ConfigurationError);
  expect(() => kafka.subscriber("t", { autoOffsetReset: "middle" as "latest" })).toThrow(ConfigurationError);
  await kafka.connect();
  await expect(kafka.publish("x", uniqueTopic("bad"), { partition: -1 })).rejects.toBeInstanceOf(ConfigurationError);
  await expect(kafka.publish("not empty", uniqueTopic("bad"), { key: "k", tombstone: true })).rejects.toBeInstanceOf(ConfigurationError);
  // @ts-expect-error -- a tombstone needs a key, by type too
  await expect(kafka.publish(undefined, uniqueTopic("bad"), { tombstone: true })).rejects.toBeInstanceOf(ConfigurationError);
});

afterAll(deleteRunTopics, 30_000);
