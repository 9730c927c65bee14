import { randomUUID } from "node:crypto";
import net from "node:net";
import Confluent from "@confluentinc/kafka-javascript";
import type { Middleware } from "../../src/core/index.js";
import { ConfluentBroker, ConfluentRouter, DEAD_LETTER_FROM, type ConfluentBrokerOptions } from "../../src/confluent/index.js";
import { KafkaTelemetryMiddleware } from "../../src/confluent/opentelemetry.js";
import type { AnyBroker, BrokerHarness } from "../conformance/harness.js";
import { parseServerAttributes, type TelemetryHarness } from "../conformance/telemetry-kit.js";

export const BOOTSTRAP = process.env.POSTLINE_KAFKA_BOOTSTRAP ?? "127.0.0.1:9092";

// An unreachable broker fails the run loudly (CI must never skip the Kafka suites silently).
await new Promise<void>((resolve, reject) => {
  const [host, port] = [BOOTSTRAP.slice(0, BOOTSTRAP.lastIndexOf(":")), Number(BOOTSTRAP.slice(BOOTSTRAP.lastIndexOf(":") + 1))];
  const socket = net.connect({ host, port, timeout: 3_000 });
  const fail = (reason: string) => {
    socket.destroy();
    reject(new Error(`Kafka (confluent) is not reachable at ${BOOTSTRAP} (${reason}): start it with \`bash scripts/kafka.sh start\``));
  };
  socket.once("connect", () => {
    socket.end();
    resolve();
  });
  socket.once("timeout", () => fail("timeout"));
  socket.once("error", (error) => fail(error.message));
});

/** Every topic of this run starts with it, so the run's topics can be deleted at the end. */
export const RUN_PREFIX = `plc.${randomUUID().slice(0, 8)}.`;

/** Fast group rebalances: a joining member is noticed within one heartbeat. */
export const testBrokerOptions: ConfluentBrokerOptions = { bootstrapServers: BOOTSTRAP, clientId: "postline-test", heartbeatIntervalMs: 200, sessionTimeoutMs: 6_000 };

export function confluentBroker(options: Omit<ConfluentBrokerOptions, "bootstrapServers"> = {}): ConfluentBroker {
  return new ConfluentBroker({ ...testBrokerOptions, ...options });
}

export function uniqueTopic(label: string): string {
  return `${RUN_PREFIX}${label}.${randomUUID().slice(0, 8)}`;
}

export const confluentHarness: BrokerHarness = {
  name: "confluent",
  capabilities: confluentBroker().runtime().transport.capabilities,
  createBroker: (options = {}) => confluentBroker({ ...options, middlewares: options.middlewares as readonly Middleware<"confluent">[] | undefined }),
  createRouter: (options) => new ConfluentRouter({ ...options, middlewares: options.middlewares as readonly Middleware<"confluent">[] | undefined }),
  destination: uniqueTopic,
  // Each test has topics of its own, so reading them from the start loses nothing and races no group join.
  subscriberOptions: ({ group }) => ({ autoOffsetReset: "earliest", ...(group === undefined ? {} : { group }) }),
  deadLetter: {
    subscriberOptions: (target, { maxDeliveries }) => ({ deadLetter: target, ...(maxDeliveries === undefined ? {} : { maxDeliveries }) }),
    originHeader: DEAD_LETTER_FROM,
  },
  // Kafka cannot tell that nobody consumes a topic.
  noResponders: "RequestTimeoutError",
  ready: (broker: AnyBroker) => (broker as unknown as ConfluentBroker).waitForAssignment(10_000),
  settleDelayMs: 200,
  timeoutMs: 10_000,
};

export const confluentTelemetryHarness: TelemetryHarness = {
  system: "kafka",
  middleware: (options) => new KafkaTelemetryMiddleware(options),
  // A fresh topic has one partition; the first record is at offset 0 (the suites publish one message per topic).
  // Both carry the first bootstrap server as `server.address`/`server.port`.
  extraAttributes: (operation) => ({
    ...parseServerAttributes(BOOTSTRAP, 9092),
    ...(operation === "process" ? { "messaging.destination.partition.id": "0", "kafka.offset": 0 } : {}),
  }),
  reportsConsumerGroup: true,
};

/** A connected admin client of the confluent library itself, closed after `use`. */
export async function withAdmin<T>(use: (admin: Confluent.KafkaJS.Admin) => Promise<T>): Promise<T> {
  const admin = new Confluent.KafkaJS.Kafka({ "bootstrap.servers": BOOTSTRAP, log_level: 0 }).admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Deletes the topics this run created (call in `afterAll`). */
export async function deleteRunTopics(): Promise<void> {
  await withAdmin(async (admin) => {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(RUN_PREFIX));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  });
}
