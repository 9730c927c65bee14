import type { ConsumeMessage, Message, Options } from "amqplib";
import type { Headers, IncomingMessage, OutgoingMessage, PublishCommand } from "../core/index.js";
import type { RabbitPublishOptions } from "./options.js";

/** The native message as Postline hands it over (`context.message.raw`), with the queue it came through. */
export interface RabbitRawMessage {
  readonly message: ConsumeMessage | Message;
  readonly queue: string;
  /** The queue is server-named and private to one subscriber. */
  readonly anonymous: boolean;
}

/** AMQP header tables hold numbers, booleans, Buffers, arrays and tables; Postline headers are strings. */
function headerText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? item.toString() : item));
}

export function decodeHeaders(table: Record<string, unknown> | undefined): Headers {
  const headers: Headers = {};
  if (table === undefined) return headers;
  for (const key in table) {
    const text = headerText(table[key]);
    if (text !== undefined) headers[key] = text;
  }
  return headers;
}

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

export function toIncoming(raw: RabbitRawMessage, destination: string, deliveryCount: number): IncomingMessage<RabbitRawMessage> {
  const { content, properties } = raw.message;
  return {
    // A view, not a copy: amqplib hands each delivery its own buffer.
    body: new Uint8Array(content.buffer, content.byteOffset, content.byteLength),
    headers: decodeHeaders(properties.headers),
    destination,
    contentType: text(properties.contentType),
    correlationId: text(properties.correlationId),
    messageId: text(properties.messageId),
    replyTo: text(properties.replyTo),
    deliveryCount,
    raw,
  };
}

/** AMQP basic properties of one outgoing message. */
export function publishProperties(command: PublishCommand<RabbitPublishOptions>, message: OutgoingMessage, extra: Options.Publish = {}): Options.Publish {
  const options = command.options;
  const properties: Options.Publish = {
    headers: message.headers,
    messageId: message.messageId,
    correlationId: message.correlationId,
    timestamp: Math.floor(Date.now() / 1000),
    persistent: options.persistent ?? true,
    ...extra,
  };
  if (message.contentType !== undefined) properties.contentType = message.contentType;
  if (command.replyTo !== undefined) properties.replyTo = command.replyTo;
  if (options.priority !== undefined) properties.priority = options.priority;
  if (options.expiration !== undefined) properties.expiration = String(options.expiration);
  if (options.mandatory === true) properties.mandatory = true;
  return properties;
}

/** A copy: the caller may reuse its buffer once `publish` resolves, and amqplib may still hold ours. */
export function contentOf(message: OutgoingMessage): Buffer {
  return Buffer.from(message.body);
}
