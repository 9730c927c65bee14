import type { Headers, OutgoingMessage } from "../core/index.js";

/**
 * Kafka records have headers and nothing else for message properties: these are the header names, the ones
 * FastStream's Kafka producer writes, so a Python FastStream service and Postline read each other's messages.
 */
export const WIRE_HEADERS = {
  contentType: "content-type",
  correlationId: "correlation_id",
  messageId: "message_id",
  replyTo: "reply_to",
} as const;

/** Added to a dead-lettered record: where it came from and how often it was delivered. */
export const DEAD_LETTER_FROM = "x-postline-dead-letter-from";
export const DELIVERY_COUNT = "x-postline-delivery-count";

const utf8 = new TextDecoder();

/** A header value or key as text; Kafka allows null values, which read as "". */
export function text(value: string | Uint8Array | null | undefined): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : utf8.decode(value);
}

/** The record headers of one outgoing message: its properties first, then the user's headers (strings, then bytes). */
export function recordHeaders(message: OutgoingMessage, replyTo: string | undefined, binary: Readonly<Record<string, Uint8Array>> | undefined): Map<string, Buffer> {
  const headers = new Map<string, Buffer>();
  if (message.contentType !== undefined) headers.set(WIRE_HEADERS.contentType, Buffer.from(message.contentType));
  headers.set(WIRE_HEADERS.correlationId, Buffer.from(message.correlationId));
  headers.set(WIRE_HEADERS.messageId, Buffer.from(message.messageId));
  if (replyTo !== undefined) headers.set(WIRE_HEADERS.replyTo, Buffer.from(replyTo));
  for (const name in message.headers) headers.set(name, Buffer.from(message.headers[name]!));
  if (binary !== undefined) for (const name in binary) headers.set(name, Buffer.from(binary[name]!));
  return headers;
}

export interface ReadHeaders {
  /** User headers as text (properties removed); a repeated header keeps its last value, as most Kafka clients read it. */
  readonly headers: Headers;
  readonly contentType: string | undefined;
  readonly correlationId: string | undefined;
  readonly messageId: string | undefined;
  readonly replyTo: string | undefined;
}

/** Splits record headers into the envelope's properties and the user's headers. */
export function readHeaders(entries: Iterable<readonly [string | Uint8Array | null, string | Uint8Array | null | undefined]>): ReadHeaders {
  const headers: Headers = {};
  let contentType: string | undefined;
  let correlationId: string | undefined;
  let messageId: string | undefined;
  let replyTo: string | undefined;
  for (const [rawName, rawValue] of entries) {
    const name = text(rawName);
    const value = text(rawValue);
    switch (name) {
      case WIRE_HEADERS.contentType:
        contentType = value === "" ? undefined : value;
        break;
      case WIRE_HEADERS.correlationId:
        correlationId = value;
        break;
      case WIRE_HEADERS.messageId:
        messageId = value;
        break;
      case WIRE_HEADERS.replyTo:
        replyTo = value === "" ? undefined : value;
        break;
      default:
        headers[name] = value;
    }
  }
  return { headers, contentType, correlationId, messageId, replyTo };
}
