import { ConfigurationError, type BrokerOptions } from "../core/index.js";
import { positive, resolveClusterConnection, resolveClusterTiming, type KafkaClusterOptions, type ResolvedClusterConnection, type ResolvedClusterTiming } from "../kafka-common/index.js";

export type { AutoOffsetReset, KafkaPublishOptions as ConfluentPublishOptions, KafkaSubscribeOptions as ConfluentSubscribeOptions } from "../kafka-common/index.js";

/** librdkafka configuration properties (`security.protocol`, `sasl.mechanisms`, …), passed to every client as they are. */
export type LibrdkafkaConfig = Readonly<Record<string, string | number | boolean>>;

export interface ConfluentBrokerOptions extends BrokerOptions<"confluent">, KafkaClusterOptions {
  /** Extra librdkafka properties (TLS, SASL, tuning); Postline's own settings win where both set one. */
  readonly config?: LibrdkafkaConfig;
  /** Subscribing creates missing topics with the admin client (default true) with this many partitions (default 1). */
  readonly topicPartitions?: number;
  /** How often librdkafka refreshes metadata, which is how pattern subscriptions notice new topics (default 5 000 ms). */
  readonly patternRefreshMs?: number;
  /** How long `connect()` waits for the cluster before failing (default 10 000 ms). */
  readonly connectTimeoutMs?: number;
}

export interface ResolvedConfluentOptions extends ResolvedClusterConnection, ResolvedClusterTiming {
  readonly config: LibrdkafkaConfig;
  readonly connectTimeoutMs: number;
}

const LABEL = "Confluent Kafka";

/** Validates at construction: a broker with a mistake in its options never connects. */
export function resolveConfluentOptions(options: ConfluentBrokerOptions): ResolvedConfluentOptions {
  const connection = resolveClusterConnection(LABEL, options);
  if (options.config !== undefined && (typeof options.config !== "object" || options.config === null)) throw new ConfigurationError(`${LABEL} config must be an object of librdkafka properties`);
  return {
    ...connection,
    config: options.config ?? {},
    // A missing topic gets one partition unless told otherwise (postline/kafka leaves it to the cluster).
    ...resolveClusterTiming(LABEL, options, 1),
    connectTimeoutMs: positive(LABEL, "connectTimeoutMs", options.connectTimeoutMs, 10_000),
  };
}
