import type { IPublishPacket } from "mqtt";
import type { IncomingMessage, MessagingFacts, PublishCommand, SubscriptionFacts, TelemetryProvider } from "../core/index.js";
import { hasWildcard, type MqttPublishOptions } from "./options.js";

export interface MqttServer {
  readonly address: string;
  readonly port: number;
}

/**
 * Facts for telemetry (the MQTT page of the messaging conventions: topic, server address and port). A
 * wildcard subscription reports its filter as the destination template and the concrete topic as the
 * destination; a shared subscription's group is the consumer group. FastStream's MQTT provider uses the
 * correlation id as the message id.
 */
export const mqttTelemetry: TelemetryProvider<MqttPublishOptions, IPublishPacket> = {
  system: "mqtt",
  broker: "mqtt",
  attributes: [],
  publishFacts(command: PublishCommand<MqttPublishOptions>): MessagingFacts {
    return { destinationName: command.destination, temporary: command.kind === "reply" };
  },
  consumeFacts(message: IncomingMessage<IPublishPacket>, subscription: SubscriptionFacts): MessagingFacts {
    return {
      destinationName: message.destination,
      destinationTemplate: hasWildcard(subscription.destination) ? subscription.destination : undefined,
      consumerGroup: subscription.group,
      messageId: message.correlationId,
    };
  },
};

/**
 * The server a broker URL points at, as the conventions want it (`mqtt://host:1883` → host, 1883). The
 * transport reports it and core adds it to spans and metrics.
 */
export function serverOf(url: string): MqttServer {
  const parsed = new URL(url);
  const defaults: Record<string, number> = { "mqtt:": 1883, "tcp:": 1883, "mqtts:": 8883, "ssl:": 8883, "ws:": 80, "wss:": 443 };
  return { address: parsed.hostname, port: parsed.port === "" ? (defaults[parsed.protocol] ?? 1883) : Number(parsed.port) };
}
