// `postline/confluent`: the Kafka broker on librdkafka (@confluentinc/kafka-javascript). The telemetry middleware
// is in `postline/confluent/opentelemetry`, so that no OpenTelemetry code loads without it.
// Its public types mention Buffer, as the broker client's own types do: they need @types/node, even in a
// project whose tsconfig `types` leaves node out (the default from TypeScript 6 on).
/// <reference types="node" preserve="true" />
export { ConfluentBroker, ConfluentRouter } from "./broker.js";
export type { ConfluentRecord } from "./client.js";
export { ConfluentError } from "./errors.js";
export type { AutoOffsetReset, ConfluentBrokerOptions, ConfluentPublishOptions, ConfluentSubscribeOptions, LibrdkafkaConfig } from "./options.js";
export { DEAD_LETTER_FROM, DELIVERY_COUNT, WIRE_HEADERS } from "../kafka-common/index.js";
export { confluentTelemetryProvider } from "./telemetry.js";
