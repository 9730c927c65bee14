import type { IncomingMessage, OutgoingMessage } from "../core/index.js";
import { decodeEnvelope, encodeEnvelope, type MessageFormat } from "./envelope.js";

/**
 * A message as Redis handed it over, shaped like FastStream's `UnifyRedisDict`: `type` says where it came
 * from (`message`/`pmessage` for pub/sub, `list`, `stream`), `channel` is the concrete channel, list or stream.
 */
export interface RedisRawMessage {
  readonly type: "message" | "pmessage" | "list" | "stream";
  readonly channel: string;
  /** The glob a `pmessage` matched. */
  readonly pattern: string | undefined;
  /** The envelope bytes as stored in Redis. */
  readonly data: Buffer;
  /** Stream entry id. */
  readonly entryId: string | undefined;
  readonly group: string | undefined;
}

/** Header names inside the envelope, FastStream's. */
export const HEADER = {
  correlationId: "correlation_id",
  contentType: "content-type",
  replyTo: "reply_to",
  messageId: "message_id",
  /** Postline's own: earlier deliveries of a list message that was pushed back after a nack. */
  listDeliveries: "x-postline-list-deliveries",
  deadLetterFrom: "x-postline-dead-letter-from",
  deliveryCount: "x-postline-delivery-count",
} as const;

/** The stream field that holds the envelope (FastStream's `DATA_KEY`). */
export const STREAM_DATA_FIELD = "__data__";

/** Core's outgoing message → envelope bytes; FastStream's own headers win over user headers of the same name. */
export function encodeOutgoing(format: MessageFormat, message: OutgoingMessage, replyTo: string | undefined, extra?: Record<string, string>): Buffer {
  const headers: Record<string, string> = { ...message.headers, ...extra, [HEADER.correlationId]: message.correlationId, [HEADER.messageId]: message.messageId };
  if (message.contentType !== undefined) headers[HEADER.contentType] = message.contentType;
  if (replyTo !== undefined) headers[HEADER.replyTo] = replyTo;
  return encodeEnvelope(format, { body: Buffer.from(message.body.buffer, message.body.byteOffset, message.body.byteLength), headers });
}

const envelopeHeaders = new Set<string>(Object.values(HEADER).filter((name) => name !== HEADER.deadLetterFrom && name !== HEADER.deliveryCount));

/** Envelope bytes → core's incoming message. `deliveryCount` comes from the stream's pending list when known. */
export function toIncoming(raw: RedisRawMessage, deliveryCount?: number): IncomingMessage<RedisRawMessage> {
  const { body, headers: all } = decodeEnvelope(raw.data);
  const headers: Record<string, string> = {};
  for (const key in all) if (!envelopeHeaders.has(key)) headers[key] = all[key]!;
  const previous = Number(all[HEADER.listDeliveries] ?? 0);
  return {
    body,
    headers,
    destination: raw.channel,
    contentType: all[HEADER.contentType] || undefined,
    correlationId: all[HEADER.correlationId] || undefined,
    messageId: all[HEADER.messageId] || undefined,
    replyTo: all[HEADER.replyTo] || undefined,
    deliveryCount: deliveryCount ?? (Number.isInteger(previous) && previous > 0 ? previous + 1 : 1),
    raw,
  };
}

/** The same envelope with some headers changed (a list requeue, a dead letter). */
export function withHeaders(format: MessageFormat, data: Buffer, changes: Record<string, string | undefined>): Buffer {
  const { body, headers } = decodeEnvelope(data);
  const changed: Record<string, string> = { ...headers };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete changed[key];
    else changed[key] = value;
  }
  return encodeEnvelope(format, { body, headers: changed });
}
