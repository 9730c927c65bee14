// What the two Kafka test harnesses (test/kafka on @platformatic/kafka, test/confluent on librdkafka) have in
// common: the cluster address, the reachability check, run-scoped topic names and the conformance harness
// shape. Each adapter's harness.ts supplies its broker classes and its own admin client.
import { randomUUID } from "node:crypto";
import net from "node:net";
import type { Broker, Middleware, RouterOptions } from "../../../src/core/index.js";
import type { KafkaPublishOptions, KafkaSubscribeOptions } from "../../../src/kafka-common/index.js";
import type { AnyBroker, AnyRouter, BrokerHarness, ConformanceBrokerOptions } from "../../conformance/harness.js";
import { parseServerAttributes, type TelemetryHarness } from "../../conformance/telemetry-kit.js";

export const BOOTSTRAP = process.env.POSTLINE_KAFKA_BOOTSTRAP ?? "127.0.0.1:9092";

/** An unreachable broker fails the run loudly (CI must never skip the Kafka suites silently). */
export function assertReachable(label: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const [host, port] = [BOOTSTRAP.slice(0, BOOTSTRAP.lastIndexOf(":")), Number(BOOTSTRAP.slice(BOOTSTRAP.lastIndexOf(":") + 1))];
    const socket = net.connect({ host, port, timeout: 3_000 });
    const fail = (reason: string) => {
      socket.destroy();
      reject(new Error(`${label} is not reachable at ${BOOTSTRAP} (${reason}): start it with \`bash scripts/kafka.sh start\``));
    };
    socket.once("connect", () => {
      socket.end();
      resolve();
    });
    socket.once("timeout", () => fail("timeout"));
    socket.once("error", (error) => fail(error.message));
  });
}

/** Topic names of one run: every one starts with `prefix`, so the run's topics can be deleted at the end. */
export function runTopics(prefix: string): { readonly RUN_PREFIX: string; readonly uniqueTopic: (label: string) => string } {
  const RUN_PREFIX = `${prefix}.${randomUUID().slice(0, 8)}.`;
  return { RUN_PREFIX, uniqueTopic: (label) => `${RUN_PREFIX}${label}.${randomUUID().slice(0, 8)}` };
}

/** Fast group rebalances: a joining member is noticed within one heartbeat. */
export const testClusterOptions = { bootstrapServers: BOOTSTRAP, clientId: "postline-test", heartbeatIntervalMs: 200, sessionTimeoutMs: 6_000 } as const;

/** A Kafka broker as the tests drive it: either adapter's class (both take the shared Kafka options). */
export type KafkaLikeBroker = Broker<string, KafkaSubscribeOptions, KafkaPublishOptions> & { waitForAssignment(timeoutMs?: number): Promise<void> };

export interface KafkaHarnessParts {
  readonly name: string;
  /** The adapter's broker with the test cluster options; middlewares as any broker's (the harness casts them). */
  createBroker(options: ConformanceBrokerOptions): KafkaLikeBroker;
  createRouter(options: RouterOptions<string>): AnyRouter;
  readonly deadLetterFrom: string;
  readonly uniqueTopic: (label: string) => string;
}

/** The conformance harness of a Kafka adapter: both behave the same, so only their classes differ. */
export function kafkaBrokerHarness(parts: KafkaHarnessParts): BrokerHarness {
  return {
    name: parts.name,
    capabilities: parts.createBroker({}).runtime().transport.capabilities,
    createBroker: (options = {}) => parts.createBroker(options),
    createRouter: (options) => parts.createRouter(options),
    destination: parts.uniqueTopic,
    // Each test has topics of its own, so reading them from the start loses nothing and races no group join.
    subscriberOptions: ({ group }) => ({ autoOffsetReset: "earliest", ...(group === undefined ? {} : { group }) }),
    deadLetter: {
      subscriberOptions: (target, { maxDeliveries }) => ({ deadLetter: target, ...(maxDeliveries === undefined ? {} : { maxDeliveries }) }),
      originHeader: parts.deadLetterFrom,
    },
    // Kafka cannot tell that nobody consumes a topic.
    noResponders: "RequestTimeoutError",
    ready: (broker: AnyBroker) => (broker as unknown as KafkaLikeBroker).waitForAssignment(10_000),
    settleDelayMs: 200,
    timeoutMs: 10_000,
  };
}

/** The telemetry harness of a Kafka adapter; both report the same facts. */
export function kafkaTelemetryHarness(middleware: TelemetryHarness["middleware"]): TelemetryHarness {
  return {
    system: "kafka",
    middleware,
    // A fresh topic has one partition; the first record is at offset 0 (the suites publish one message per topic).
    // Both carry the first bootstrap server as `server.address`/`server.port`.
    extraAttributes: (operation) => ({
      ...parseServerAttributes(BOOTSTRAP, 9092),
      ...(operation === "process" ? { "messaging.destination.partition.id": "0", "kafka.offset": 0 } : {}),
    }),
    reportsConsumerGroup: true,
    faststreamConsumer: { messageId: /^0-.+/, attributes: { "messaging.kafka.destination.partition": 0, "messaging.kafka.message.offset": 0 } },
  };
}

/** An adapter's test broker options with middlewares typed for any broker, as the shared suites pass them. */
export type CaseBrokerOptions<O extends { readonly middlewares?: unknown }> = Omit<O, "bootstrapServers" | "middlewares"> & Pick<ConformanceBrokerOptions, "middlewares">;

/** Middlewares typed for any broker, handed to an adapter whose broker takes only its own kind. */
export const ownMiddlewares = <K extends string>(middlewares: readonly Middleware<string>[] | undefined): readonly Middleware<K>[] | undefined => middlewares as readonly Middleware<K>[] | undefined;
