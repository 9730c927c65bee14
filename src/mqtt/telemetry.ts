import type { IPublishPacket } from "mqtt";
import type { IncomingMessage, MessagingFacts, PublishCommand, SubscriptionFacts, TelemetryProvider } from "../core/index.js";
import { hasWildcard, type MqttPublishOptions } from "./options.js";

export interface MqttServer {
  readonly address: string;
  readonly port: number;
}

/**
 * A telemetry middleware learns the server of the broker it is attached to through this symbol-keyed method:
 * the broker calls it when it accepts the middleware (its own, a router's, a subscriber's or a publisher's),
 * so `server.address`/`server.port` are reported without importing OpenTelemetry into the broker.
 */
export const bindServer = Symbol("postline.mqtt.bindServer");

export interface ServerBindable {
  [bindServer](server: MqttServer): void;
}

export function isServerBindable(value: unknown): value is ServerBindable {
  return typeof (value as Partial<ServerBindable> | undefined)?.[bindServer] === "function";
}

/**
 * Facts for telemetry (the MQTT page of the messaging conventions: topic, server address and port). A
 * wildcard subscription reports its filter as the destination template and the concrete topic as the
 * destination; a shared subscription's group is the consumer group. FastStream's MQTT provider uses the
 * correlation id as the message id.
 */
export function mqttTelemetry(server: () => MqttServer | undefined = () => undefined): TelemetryProvider<MqttPublishOptions, IPublishPacket> {
  return {
    system: "mqtt",
    broker: "mqtt",
    publishFacts(command: PublishCommand<MqttPublishOptions>): MessagingFacts {
      const at = server();
      return { destinationName: command.destination, temporary: command.kind === "reply", serverAddress: at?.address, serverPort: at?.port };
    },
    consumeFacts(message: IncomingMessage<IPublishPacket>, subscription: SubscriptionFacts): MessagingFacts {
      const at = server();
      return {
        destinationName: message.destination,
        destinationTemplate: hasWildcard(subscription.destination) ? subscription.destination : undefined,
        consumerGroup: subscription.group,
        serverAddress: at?.address,
        serverPort: at?.port,
        messageId: message.correlationId,
      };
    },
  };
}

/** The server a broker URL points at, as the conventions want it (`mqtt://host:1883` → host, 1883). */
export function serverOf(url: string): MqttServer {
  const parsed = new URL(url);
  const defaults: Record<string, number> = { "mqtt:": 1883, "tcp:": 1883, "mqtts:": 8883, "ssl:": 8883, "ws:": 80, "wss:": 443 };
  return { address: parsed.hostname, port: parsed.port === "" ? (defaults[parsed.protocol] ?? 1883) : Number(parsed.port) };
}
