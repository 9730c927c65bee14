// Client-independent Kafka translation, shared by `postline/kafka` (@platformatic/kafka) and
// `postline/confluent` (@confluentinc/kafka-javascript): options, record headers, commit positions, the
// dispatcher between a consumer and core, and the telemetry facts. Nothing here imports a Kafka client.
export { Dispatcher, type DispatcherOptions, type Inflight } from "./dispatcher.js";
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
export { kafkaTelemetry, type KafkaRecordView } from "./telemetry.js";
