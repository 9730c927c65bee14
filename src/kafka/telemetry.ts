import { kafkaTelemetry } from "../kafka-common/index.js";
import type { KafkaRecord } from "./client.js";
import { recordView } from "./message.js";

/** Telemetry facts of `postline/kafka`: the shared Kafka facts, read from @platformatic/kafka records. */
export const kafkaTelemetryProvider = kafkaTelemetry("kafka", (record: KafkaRecord) => recordView(record));
