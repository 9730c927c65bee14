import type { IncomingMessage, MessagingFacts, PublishCommand, SubscriptionFacts, TelemetryProvider } from "../core/index.js";
import type { RabbitRawMessage } from "./message.js";
import type { RabbitPublishOptions } from "./options.js";
import { faststreamName, publishTarget, receiveDestinationName, sendDestinationName } from "./topology.js";

/** RabbitMQ's own facts, besides the generic ones. */
export interface RabbitFacts extends MessagingFacts {
  readonly routingKey: string;
  readonly deliveryTag?: number | undefined;
}

/**
 * RabbitMQ's attributes, as data: the key of the current conventions (`rabbitmq.md` of semantic-conventions
 * v1.44, keys of the npm package 1.45.0), the one it replaced (written too under `messaging/dup`) and
 * FastStream's. Current mode leaves an empty routing key out; FastStream writes it.
 */
const rabbitAttributes: NonNullable<TelemetryProvider<RabbitPublishOptions, RabbitRawMessage, RabbitFacts>["attributes"]> = [
  {
    current: "rabbitmq.destination.routing_key",
    previous: "messaging.rabbitmq.destination.routing_key",
    faststream: "messaging.rabbitmq.destination.routing_key",
    value: (facts) => (facts.routingKey === "" ? undefined : facts.routingKey),
    faststreamValue: (facts) => facts.routingKey,
  },
  {
    current: "rabbitmq.message.delivery_tag",
    previous: "messaging.rabbitmq.message.delivery_tag",
    faststream: "messaging.rabbitmq.message.delivery_tag",
    value: (facts) => facts.deliveryTag,
  },
];

/**
 * Facts for telemetry (docs/rabbitmq.md). Destination names follow the conventions' rabbitmq.md: send
 * `{exchange}:{routing key}`, receive `{exchange}:{routing key}:{queue}`; FastStream mode names by
 * `"{exchange or 'default'}.{routing key}"` and reports the exchange as the destination.
 */
export const rabbitTelemetry: TelemetryProvider<RabbitPublishOptions, RabbitRawMessage, RabbitFacts> = {
  system: "rabbitmq",
  broker: "rabbit",
  attributes: rabbitAttributes,
  publishFacts(command: PublishCommand<RabbitPublishOptions>): RabbitFacts {
    const { exchange, routingKey } = publishTarget(command);
    return {
      destinationName: sendDestinationName(exchange, routingKey),
      faststreamDestination: faststreamName(exchange, routingKey),
      faststreamDestinationName: exchange,
      temporary: command.kind === "reply",
      routingKey,
    };
  },
  consumeFacts(message: IncomingMessage<RabbitRawMessage>, subscription: SubscriptionFacts): RabbitFacts {
    const { message: native, queue, anonymous } = message.raw;
    const { exchange, routingKey } = native.fields;
    return {
      // A server-named queue is private to one subscriber: naming spans after it would make every name unique.
      destinationName: receiveDestinationName(exchange, routingKey, anonymous ? "" : queue),
      faststreamDestination: faststreamName(exchange, routingKey),
      faststreamDestinationName: exchange,
      consumerGroup: subscription.group,
      routingKey,
      deliveryTag: native.fields.deliveryTag,
    };
  },
};
