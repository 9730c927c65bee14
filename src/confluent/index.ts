// `postline/confluent`: the Kafka broker on librdkafka (@confluentinc/kafka-javascript). The telemetry middleware
// is in `postline/confluent/opentelemetry`, so that no OpenTelemetry code loads without it.
export { ConfluentBroker, ConfluentRouter } from "./broker.js";
export type { ConfluentRecord } from "./client.js";
export { ConfluentError } from "./errors.js";
export type { AutoOffsetReset, ConfluentBrokerOptions, ConfluentPublishOptions, ConfluentSubscribeOptions, LibrdkafkaConfig } from "./options.js";
export { DEAD_LETTER_FROM, DELIVERY_COUNT, WIRE_HEADERS } from "../kafka/shared/index.js";
export { confluentTelemetryProvider } from "./telemetry.js";
