import type { IClientPublishOptions, IPublishPacket } from "mqtt";
import { FeatureNotSupportedError, type Headers, type IncomingMessage, type OutgoingMessage } from "../core/index.js";
import type { MqttPublishOptions, MqttQos } from "./options.js";

/** The message id travels as a user property (MQTT 5 has no such field); FastStream reads the same name. */
export const MESSAGE_ID_PROPERTY = "message_id";

const decoder = new TextDecoder();

function text(value: Buffer | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === "string" ? value : decoder.decode(value);
}

/** A PUBLISH packet as core's envelope: user properties become headers, MQTT 5 properties the message fields. */
export function toIncoming(packet: IPublishPacket): IncomingMessage<IPublishPacket> {
  const properties = packet.properties ?? {};
  const headers: Headers = {};
  let messageId: string | undefined;
  for (const [key, value] of Object.entries(properties.userProperties ?? {})) {
    // A key sent several times arrives as an array; the last value wins, as with a header set twice.
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last === undefined) continue;
    if (key === MESSAGE_ID_PROPERTY) messageId = String(last);
    else headers[key] = String(last);
  }
  const payload = packet.payload;
  return {
    body: typeof payload === "string" ? new TextEncoder().encode(payload) : new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength),
    headers,
    destination: packet.topic,
    contentType: properties.contentType,
    correlationId: text(properties.correlationData),
    messageId,
    replyTo: properties.responseTopic,
    // MQTT only tells a redelivery (DUP, after a reconnect), not how many there were.
    deliveryCount: packet.dup ? 2 : 1,
    raw: packet,
  };
}

/** mqtt.js publish options for one outgoing message. */
export function toPublishOptions(message: OutgoingMessage, replyTo: string | undefined, options: MqttPublishOptions, qos: MqttQos, protocolVersion: 4 | 5): IClientPublishOptions {
  const publish: IClientPublishOptions = { qos, retain: options.retain ?? false };
  if (protocolVersion === 4) {
    // Body only: 3.1.1 has no properties. Core's own fields are dropped; user headers would be lost silently.
    if (Object.keys(message.headers).length > 0) {
      throw new FeatureNotSupportedError(`MQTT 3.1.1 cannot carry headers (${Object.keys(message.headers).join(", ")}); use protocolVersion 5`);
    }
    return publish;
  }
  publish.properties = {
    userProperties: { ...message.headers, [MESSAGE_ID_PROPERTY]: message.messageId },
    correlationData: Buffer.from(message.correlationId),
    ...(message.contentType === undefined ? {} : { contentType: message.contentType }),
    ...(replyTo === undefined ? {} : { responseTopic: replyTo }),
    ...(options.messageExpirySeconds === undefined ? {} : { messageExpiryInterval: options.messageExpirySeconds }),
  };
  return publish;
}
