import type { IncomingMessage, MessagingFacts, PublishCommand, SubscriptionFacts, TelemetryProvider } from "../core/index.js";
import type { RabbitRawMessage } from "./message.js";
import type { RabbitPublishOptions } from "./options.js";
import { faststreamName, publishTarget, receiveDestinationName, sendDestinationName } from "./topology.js";

/**
 * Facts for telemetry (docs/rabbitmq.md). Destination names follow the conventions' rabbitmq.md: send
 * `{exchange}:{routing key}`, receive `{exchange}:{routing key}:{queue}`; FastStream mode names by
 * `"{exchange or 'default'}.{routing key}"` and reports the exchange as the destination.
 */
export const rabbitTelemetry: TelemetryProvider<RabbitPublishOptions, RabbitRawMessage> = {
  system: "rabbitmq",
  broker: "rabbit",
  publishFacts(command: PublishCommand<RabbitPublishOptions>): MessagingFacts {
    const { exchange, routingKey } = publishTarget(command);
    return {
      destinationName: sendDestinationName(exchange, routingKey),
      faststreamDestination: faststreamName(exchange, routingKey),
      temporary: command.kind === "reply",
      exchange,
      routingKey,
    };
  },
  consumeFacts(message: IncomingMessage<RabbitRawMessage>, subscription: SubscriptionFacts): MessagingFacts {
    const { message: native, queue, anonymous } = message.raw;
    const { exchange, routingKey } = native.fields;
    return {
      // A server-named queue is private to one subscriber: naming spans after it would make every name unique.
      destinationName: receiveDestinationName(exchange, routingKey, anonymous ? "" : queue),
      faststreamDestination: faststreamName(exchange, routingKey),
      consumerGroup: subscription.group,
      exchange,
      routingKey,
      deliveryTag: native.fields.deliveryTag,
    };
  },
};
