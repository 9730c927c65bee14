import { Admin } from "@platformatic/kafka";
import { DEAD_LETTER_FROM, KafkaBroker, KafkaRouter, type KafkaBrokerOptions } from "../../src/kafka/index.js";
import { KafkaTelemetryMiddleware } from "../../src/kafka/opentelemetry.js";
import type { BrokerHarness } from "../conformance/harness.js";
import type { TelemetryHarness } from "../conformance/telemetry-kit.js";
import { BOOTSTRAP, assertReachable, kafkaBrokerHarness, kafkaTelemetryHarness as telemetryHarness, ownMiddlewares, runTopics, type CaseBrokerOptions, testClusterOptions } from "./shared/harness.js";

export { BOOTSTRAP };

await assertReachable("Kafka");

export const { RUN_PREFIX, uniqueTopic } = runTopics("pl");

export const testBrokerOptions: KafkaBrokerOptions = testClusterOptions;

export function kafkaBroker(options: Omit<KafkaBrokerOptions, "bootstrapServers"> = {}): KafkaBroker {
  return new KafkaBroker({ ...testBrokerOptions, ...options });
}

/** A broker from any broker's options (the shared suites pass middlewares typed for any broker). */
export function caseBroker(options: CaseBrokerOptions<KafkaBrokerOptions> = {}): KafkaBroker {
  return kafkaBroker({ ...options, middlewares: ownMiddlewares<"kafka">(options.middlewares) });
}

export const kafkaHarness: BrokerHarness = kafkaBrokerHarness({
  name: "kafka",
  createBroker: caseBroker,
  createRouter: (options) => new KafkaRouter({ ...options, middlewares: ownMiddlewares<"kafka">(options.middlewares) }),
  deadLetterFrom: DEAD_LETTER_FROM,
  uniqueTopic,
});

export const kafkaTelemetryHarness: TelemetryHarness = telemetryHarness((options) => new KafkaTelemetryMiddleware(options));

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
