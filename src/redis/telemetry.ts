import type { IncomingMessage, MessagingFacts, PublishCommand, SubscriptionFacts, TelemetryProvider } from "../core/index.js";
import type { RedisRawMessage } from "./message.js";
import type { RedisPublishOptions } from "./options.js";

/**
 * Facts for telemetry. Redis has no messaging conventions of its own, so spans follow the generic ones with
 * `messaging.system.name=redis`: the channel, list or stream as the destination, the glob of a pattern
 * subscription as its template, and the stream's consumer group. FastStream mode names the concrete channel,
 * as FastStream's Redis provider does (`raw["channel"]`).
 */
export const redisTelemetry: TelemetryProvider<RedisPublishOptions, RedisRawMessage> = {
  system: "redis",
  broker: "redis",
  attributes: [],
  publishFacts(command: PublishCommand<RedisPublishOptions>): MessagingFacts {
    return { destinationName: command.destination, temporary: command.kind === "reply" };
  },
  consumeFacts(message: IncomingMessage<RedisRawMessage>, subscription: SubscriptionFacts): MessagingFacts {
    return { destinationName: message.destination, destinationTemplate: message.raw.pattern, consumerGroup: subscription.group };
  },
};
