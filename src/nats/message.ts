import type { JsMsg } from "@nats-io/jetstream";
import type { Msg, MsgHdrs } from "@nats-io/transport-node";
import type { Headers, IncomingMessage, OutgoingMessage } from "../core/index.js";
import { nats } from "./client.js";

/** The native message: a core `Msg`, or a JetStream `JsMsg` (which has `info`, `ack()`, `nak()`, `term()`, `working()`). */
export type NatsRaw = Msg | JsMsg;

export function isJetStreamMessage(raw: NatsRaw): raw is JsMsg {
  return "info" in raw;
}

// The envelope travels in headers under FastStream's names, so Python FastStream services read it too.
const CONTENT_TYPE = "content-type";
const CORRELATION_ID = "correlation_id";
const MESSAGE_ID = "message_id";
/** JetStream messages cannot use the NATS reply subject (it carries the ack), so requests name their inbox here. */
export const REPLY_TO = "reply_to";
const NATS_MSG_ID = "nats-msg-id";

export function toNatsHeaders(message: OutgoingMessage, replyTo?: string): MsgHdrs {
  const headers = nats.headers();
  for (const key in message.headers) headers.set(key, message.headers[key]!);
  if (message.contentType !== undefined) headers.set(CONTENT_TYPE, message.contentType);
  headers.set(CORRELATION_ID, message.correlationId);
  headers.set(MESSAGE_ID, message.messageId);
  if (replyTo !== undefined) headers.set(REPLY_TO, replyTo);
  return headers;
}

/** Native message → envelope. NATS headers may repeat a key: its values are joined with "," (as HTTP does). */
export function toIncoming(raw: NatsRaw): IncomingMessage<NatsRaw> {
  const headers: Headers = {};
  let contentType: string | undefined;
  let correlationId: string | undefined;
  let messageId: string | undefined;
  let natsMsgId: string | undefined;
  let replyTo: string | undefined;
  if (raw.headers !== undefined) {
    for (const [key, values] of raw.headers) {
      const value = values.length === 1 ? values[0]! : values.join(",");
      // NATS keys are case-sensitive, but other clients write the envelope keys in other cases.
      switch (key.toLowerCase()) {
        case CONTENT_TYPE:
          contentType = value;
          break;
        case CORRELATION_ID:
          correlationId = value;
          break;
        case MESSAGE_ID:
          messageId = value;
          break;
        case REPLY_TO:
          replyTo = value;
          break;
        case NATS_MSG_ID:
          natsMsgId = value;
          headers[key] = value;
          break;
        default:
          headers[key] = value;
      }
    }
  }
  const jetstream = isJetStreamMessage(raw);
  return {
    body: raw.data,
    headers,
    destination: raw.subject,
    contentType,
    correlationId,
    messageId: messageId ?? natsMsgId,
    // A JetStream message's reply subject is its ack subject, never an answer address.
    replyTo: jetstream ? replyTo : raw.reply || replyTo,
    deliveryCount: jetstream ? raw.info.deliveryCount : 1,
    raw,
  };
}
