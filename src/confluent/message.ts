import type { IncomingMessage } from "../core/index.js";
import { readHeaders, type KafkaRecordView } from "../kafka-common/index.js";
import type { ConfluentRecord } from "./client.js";

const EMPTY = new Uint8Array(0);

/** librdkafka hands headers over as a list of one-entry objects (`[{ name: Buffer }]`), repeats allowed. */
function* headerEntries(record: ConfluentRecord): Iterable<readonly [string, Uint8Array | string]> {
  for (const header of record.headers ?? []) for (const name in header) yield [name, header[name]!];
}

/** The record timestamp librdkafka reports, or 0 when the record has none. */
const timestampOf = (record: ConfluentRecord): number => record.timestamp ?? 0;

/**
 * A consumed record as core's envelope. Header values are decoded as UTF-8 text; the bytes stay on `raw`
 * (`raw.headers`). A record without a `message_id` header (another client's) gets FastStream's Kafka id,
 * `"{offset}-{timestamp}"`, which is unique within its partition.
 */
export function toIncoming(record: ConfluentRecord): IncomingMessage<ConfluentRecord> {
  const { headers, contentType, correlationId, messageId, replyTo } = readHeaders(headerEntries(record));
  return {
    body: record.value ?? EMPTY,
    headers,
    destination: record.topic,
    contentType,
    correlationId,
    messageId: messageId ?? `${record.offset}-${timestampOf(record)}`,
    replyTo,
    deliveryCount: 1,
    raw: record,
  };
}

export function recordView(record: ConfluentRecord): KafkaRecordView {
  return {
    topic: record.topic,
    partition: record.partition,
    offset: BigInt(record.offset),
    timestamp: BigInt(timestampOf(record)),
    key: record.key ?? undefined,
    tombstone: record.value === null || record.value === undefined,
  };
}
