import { kafkaTelemetry } from "../kafka-common/index.js";
import type { ConfluentRecord } from "./client.js";
import { recordView } from "./message.js";

/** Telemetry facts of `postline/confluent`: the shared Kafka facts (system `kafka`), read from librdkafka records, brand `confluent`. */
export const confluentTelemetryProvider = kafkaTelemetry("confluent", (record: ConfluentRecord) => recordView(record));
