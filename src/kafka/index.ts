// `postline/kafka`: the Kafka broker on @platformatic/kafka. The telemetry middleware is in
// `postline/kafka/opentelemetry`, so that no OpenTelemetry code loads without it.
export { KafkaBroker, KafkaRouter } from "./broker.js";
export type { KafkaRecord } from "./client.js";
export { KafkaError } from "./errors.js";
export type { AutoOffsetReset, KafkaBrokerOptions, KafkaPublishOptions, KafkaSubscribeOptions } from "./options.js";
export { DEAD_LETTER_FROM, DELIVERY_COUNT, WIRE_HEADERS } from "./shared/index.js";
export { kafkaTelemetryProvider } from "./telemetry.js";
