import type { IncomingMessage, MessagingFacts, PublishCommand, SubscriptionFacts, TelemetryProvider } from "../core/index.js";
import type { NatsRaw } from "./message.js";
import type { NatsPublishOptions } from "./options.js";

/** `orders.*` and `orders.>` are templates: the concrete subject is the destination, the pattern its template. */
export function isWildcardSubject(subject: string): boolean {
  return subject.split(".").some((token) => token === "*" || token === ">");
}

/**
 * Facts for telemetry. The conventions' NATS page (semantic-conventions `docs/messaging/nats.md`) only names the
 * generic keys: the destination is the subject (also for JetStream, where the stream is the other choice: the
 * subject is what publishers name and what FastStream reports), queue groups and shared durable consumers are
 * consumer groups.
 */
export const natsTelemetry: TelemetryProvider<NatsPublishOptions, NatsRaw> = {
  system: "nats",
  broker: "nats",
  attributes: [],
  publishFacts(command: PublishCommand<NatsPublishOptions>): MessagingFacts {
    return { destinationName: command.destination, temporary: command.kind === "reply" };
  },
  consumeFacts(message: IncomingMessage<NatsRaw>, subscription: SubscriptionFacts): MessagingFacts {
    return {
      destinationName: message.destination,
      destinationTemplate: isWildcardSubject(subscription.destination) ? subscription.destination : undefined,
      consumerGroup: subscription.group,
    };
  },
};
