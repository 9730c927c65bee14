import type { IncomingMessage, MessagingFacts, PublishCommand, SubscriptionFacts, TelemetryProvider } from "../core/index.js";
import type { MemoryEnvelope } from "./envelope.js";
import type { MemoryPublishOptions } from "./options.js";

/** Facts for telemetry: the in-process broker has destinations and groups, nothing more (no attributes of its own). */
export const memoryTelemetry: TelemetryProvider<MemoryPublishOptions, MemoryEnvelope> = {
  system: "memory",
  broker: "memory",
  attributes: [],
  publishFacts(command: PublishCommand<MemoryPublishOptions>): MessagingFacts {
    return { destinationName: command.destination, temporary: command.kind === "reply" };
  },
  consumeFacts(message: IncomingMessage<MemoryEnvelope>, subscription: SubscriptionFacts): MessagingFacts {
    return { destinationName: message.destination, consumerGroup: subscription.group };
  },
};
