import type { ConnectionOptions } from "@platformatic/kafka";
import type { BrokerOptions } from "../core/index.js";
import { resolveClusterConnection, resolveClusterTiming, type KafkaClusterOptions, type ResolvedClusterConnection, type ResolvedClusterTiming } from "../kafka-common/index.js";

export type { AutoOffsetReset, KafkaPublishOptions, KafkaSubscribeOptions } from "../kafka-common/options.js";

export interface KafkaBrokerOptions extends BrokerOptions<"kafka">, KafkaClusterOptions {
  /** TLS, SASL and socket settings, passed to @platformatic/kafka as they are. */
  readonly connection?: ConnectionOptions;
  /**
   * Subscribing creates missing topics with the admin client (default true) with this many partitions (default:
   * the cluster's `num.partitions`), so a subscriber is assigned partitions at once instead of racing
   * auto-creation. Publishing to a missing topic relies on the cluster's `auto.create.topics.enable`.
   */
  readonly topicPartitions?: number;
}

export interface ResolvedKafkaOptions extends ResolvedClusterConnection, ResolvedClusterTiming {
  readonly connection: KafkaBrokerOptions["connection"];
}

/** Validates at construction: a broker with a mistake in its options never connects. */
export function resolveKafkaOptions(options: KafkaBrokerOptions): ResolvedKafkaOptions {
  // -1 asks the cluster for its `num.partitions`.
  return { ...resolveClusterConnection("Kafka", options), connection: options.connection, ...resolveClusterTiming("Kafka", options, -1) };
}
