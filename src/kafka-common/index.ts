// Client-independent Kafka translation, shared by `postline/kafka` (@platformatic/kafka) and
// `postline/confluent` (@confluentinc/kafka-javascript): options, record headers, commit positions, the
// deliveries between a consumer and core, subscription set-up, the transport's bookkeeping, and the telemetry
// facts. Nothing here imports a Kafka client.
export {
  positive,
  resolveClusterConnection,
  resolveClusterTiming,
  type KafkaClusterOptions,
  type ResolvedClusterConnection,
  type ResolvedClusterTiming,
} from "./cluster-options.js";
export { KafkaDeliveries, type DeliveriesOptions, type Inflight } from "./deliveries.js";
export { DEAD_LETTER_FROM, DELIVERY_COUNT, WIRE_HEADERS, readHeaders, recordHeaders, text, type ReadHeaders } from "./headers.js";
export { OffsetLedger } from "./offsets.js";
export {
  topicPattern,
  validatePublishOptions,
  validateSubscribeOptions,
  type AutoOffsetReset,
  type KafkaPublishOptions,
  type KafkaSubscribeOptions,
} from "./options.js";
export { consumerGroup, subscriptionDeliveries, type ConsumerHooks, type SubscriptionContextOf } from "./subscription.js";
export { KAFKA_CAPABILITIES, Subscriptions, TopicCreations, bytes, epochMs, keyBytes, type ManagedSubscription } from "./transport.js";
export { kafkaTelemetry, type KafkaRecordView } from "./telemetry.js";
