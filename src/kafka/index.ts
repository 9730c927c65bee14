// `postline/kafka`: the Kafka broker on @platformatic/kafka. The telemetry middleware is in
// `postline/kafka/opentelemetry`, so that no OpenTelemetry code loads without it.
// Its public types mention Buffer, as the broker client's own types do: they need @types/node, even in a
// project whose tsconfig `types` leaves node out (the default from TypeScript 6 on).
/// <reference types="node" preserve="true" />
export { KafkaBroker, KafkaRouter } from "./broker.js";
export type { KafkaRecord } from "./client.js";
export { KafkaError } from "./errors.js";
export type { AutoOffsetReset, KafkaBrokerOptions, KafkaPublishOptions, KafkaSubscribeOptions } from "./options.js";
export { DEAD_LETTER_FROM, DELIVERY_COUNT, WIRE_HEADERS } from "../kafka-common/index.js";
export { kafkaTelemetryProvider } from "./telemetry.js";
