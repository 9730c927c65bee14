import { randomUUID } from "node:crypto";
import net from "node:net";
import { Admin } from "@platformatic/kafka";
import type { Middleware } from "../../src/core/index.js";
import { DEAD_LETTER_FROM, KafkaBroker, KafkaRouter, type KafkaBrokerOptions } from "../../src/kafka/index.js";
import { KafkaTelemetryMiddleware } from "../../src/kafka/opentelemetry.js";
import type { AnyBroker, BrokerHarness } from "../conformance/harness.js";
import { parseServerAttributes, type TelemetryHarness } from "../conformance/telemetry-kit.js";

export const BOOTSTRAP = process.env.POSTLINE_KAFKA_BOOTSTRAP ?? "127.0.0.1:9092";

// An unreachable broker fails the run loudly (CI must never skip the Kafka suites silently).
await new Promise<void>((resolve, reject) => {
  const [host, port] = [BOOTSTRAP.slice(0, BOOTSTRAP.lastIndexOf(":")), Number(BOOTSTRAP.slice(BOOTSTRAP.lastIndexOf(":") + 1))];
  const socket = net.connect({ host, port, timeout: 3_000 });
  const fail = (reason: string) => {
    socket.destroy();
    reject(new Error(`Kafka is not reachable at ${BOOTSTRAP} (${reason}): start it with \`bash scripts/kafka.sh start\``));
  };
  socket.once("connect", () => {
    socket.end();
    resolve();
  });
  socket.once("timeout", () => fail("timeout"));
  socket.once("error", (error) => fail(error.message));
});

/** Every topic of this run starts with it, so the run's topics can be deleted at the end. */
export const RUN_PREFIX = `pl.${randomUUID().slice(0, 8)}.`;

/** Fast group rebalances: a joining member is noticed within one heartbeat. */
export const testBrokerOptions: KafkaBrokerOptions = { bootstrapServers: BOOTSTRAP, clientId: "postline-test", heartbeatIntervalMs: 200, sessionTimeoutMs: 6_000 };

export function kafkaBroker(options: Omit<KafkaBrokerOptions, "bootstrapServers"> = {}): KafkaBroker {
  return new KafkaBroker({ ...testBrokerOptions, ...options });
}

export function uniqueTopic(label: string): string {
  return `${RUN_PREFIX}${label}.${randomUUID().slice(0, 8)}`;
}

export const kafkaHarness: BrokerHarness = {
  name: "kafka",
  capabilities: kafkaBroker().runtime().transport.capabilities,
  createBroker: (options = {}) => kafkaBroker({ ...options, middlewares: options.middlewares as readonly Middleware<"kafka">[] | undefined }),
  createRouter: (options) => new KafkaRouter({ ...options, middlewares: options.middlewares as readonly Middleware<"kafka">[] | undefined }),
  destination: uniqueTopic,
  // Each test has topics of its own, so reading them from the start loses nothing and races no group join.
  subscriberOptions: ({ group }) => ({ autoOffsetReset: "earliest", ...(group === undefined ? {} : { group }) }),
  deadLetter: {
    subscriberOptions: (target, { maxDeliveries }) => ({ deadLetter: target, ...(maxDeliveries === undefined ? {} : { maxDeliveries }) }),
    originHeader: DEAD_LETTER_FROM,
  },
  // Kafka cannot tell that nobody consumes a topic.
  noResponders: "RequestTimeoutError",
  ready: (broker: AnyBroker) => (broker as unknown as KafkaBroker).waitForAssignment(10_000),
  settleDelayMs: 200,
  timeoutMs: 10_000,

};

export const kafkaTelemetryHarness: TelemetryHarness = {
  system: "kafka",
  middleware: (options) => new KafkaTelemetryMiddleware(options),
  // A fresh topic has one partition; the first record is at offset 0 (the suites publish one message per topic).
  extraAttributes: (operation) => ({
    ...parseServerAttributes(BOOTSTRAP, 9092),
    ...(operation === "process" ? { "messaging.destination.partition.id": "0", "kafka.offset": 0 } : {}),
  }),
  reportsConsumerGroup: true,
};

/** Deletes the topics this run created (call in `afterAll`). */
export async function deleteRunTopics(): Promise<void> {
  const admin = new Admin({ clientId: "postline-test-cleanup", bootstrapBrokers: [BOOTSTRAP] });
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(RUN_PREFIX));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.close();
  }
}
