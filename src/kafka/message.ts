import type { IncomingMessage } from "../core/index.js";
import type { KafkaRecordView } from "../kafka-common/index.js";
import { readHeaders } from "../kafka-common/index.js";
import type { KafkaRecord } from "./client.js";

const EMPTY = new Uint8Array(0);

/**
 * A consumed record as core's envelope. Header values are decoded as UTF-8 text; the bytes stay on `raw`
 * (`raw.headers`). A record without a `message_id` header (another client's) gets FastStream's Kafka id,
 * `"{offset}-{timestamp}"`, which is unique within its partition.
 */
export function toIncoming(record: KafkaRecord): IncomingMessage<KafkaRecord> {
  const { headers, contentType, correlationId, messageId, replyTo } = readHeaders(record.headers);
  const value = record.value as Buffer | null | undefined;
  return {
    body: value === null || value === undefined ? EMPTY : value,
    headers,
    destination: record.topic,
    contentType,
    correlationId,
    messageId: messageId ?? `${record.offset}-${record.timestamp}`,
    replyTo,
    deliveryCount: 1,
    raw: record,
  };
}

export function recordView(record: KafkaRecord): KafkaRecordView {
  const value = record.value as Buffer | null | undefined;
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key: record.key,
    tombstone: value === null || value === undefined,
  };
}
