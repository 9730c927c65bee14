import Confluent from "@confluentinc/kafka-javascript";
import { ConfluentBroker, ConfluentRouter, DEAD_LETTER_FROM, type ConfluentBrokerOptions } from "../../src/confluent/index.js";
import { KafkaTelemetryMiddleware } from "../../src/confluent/opentelemetry.js";
import type { BrokerHarness } from "../conformance/harness.js";
import type { TelemetryHarness } from "../conformance/telemetry-kit.js";
import { BOOTSTRAP, assertReachable, kafkaBrokerHarness, kafkaTelemetryHarness, ownMiddlewares, runTopics, type CaseBrokerOptions, testClusterOptions } from "../kafka/shared/harness.js";

export { BOOTSTRAP };

await assertReachable("Kafka (confluent)");

// Its own prefix: a run of both folders at once deletes only its own topics.
export const { RUN_PREFIX, uniqueTopic } = runTopics("plc");

export const testBrokerOptions: ConfluentBrokerOptions = testClusterOptions;

export function confluentBroker(options: Omit<ConfluentBrokerOptions, "bootstrapServers"> = {}): ConfluentBroker {
  return new ConfluentBroker({ ...testBrokerOptions, ...options });
}

/** A broker from any broker's options (the shared suites pass middlewares typed for any broker). */
export function caseBroker(options: CaseBrokerOptions<ConfluentBrokerOptions> = {}): ConfluentBroker {
  return confluentBroker({ ...options, middlewares: ownMiddlewares<"confluent">(options.middlewares) });
}

export const confluentHarness: BrokerHarness = kafkaBrokerHarness({
  name: "confluent",
  createBroker: caseBroker,
  createRouter: (options) => new ConfluentRouter({ ...options, middlewares: ownMiddlewares<"confluent">(options.middlewares) }),
  deadLetterFrom: DEAD_LETTER_FROM,
  uniqueTopic,
});

export const confluentTelemetryHarness: TelemetryHarness = kafkaTelemetryHarness((options) => new KafkaTelemetryMiddleware(options));

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
