// NATS with the NATS bindings 0.1.0: a channel is a subject (wildcards as written), a queue group is the
// operation's `queue`. JetStream subscriptions say their stream in the description.
import { type BrokerProfile, defined, envelopeHeaders, serverAt } from "./profile.js";

const BINDING_VERSION = "0.1.0";

export const natsProfile: BrokerProfile = {
  server: serverAt("nats", 4222),
  ...envelopeHeaders,
  subscription(destination, options) {
    const jetstream = options.jetstream as { stream?: unknown; durable?: unknown } | undefined;
    const stream = jetstream === undefined ? undefined : typeof jetstream.stream === "string" ? jetstream.stream : (jetstream.stream as { name?: string } | undefined)?.name;
    const group = typeof options.group === "string" ? options.group : undefined;
    return {
      address: destination,
      description: stream === undefined ? `The subject ${destination}.` : `The subject ${destination}, consumed from the JetStream stream "${stream}".`,
      operationBindings: { nats: defined({ queue: group, bindingVersion: BINDING_VERSION }) },
    };
  },
  publication(destination, options) {
    return {
      address: destination,
      description: options.jetstream === undefined || options.jetstream === false ? `The subject ${destination}.` : `The subject ${destination}, published through JetStream.`,
    };
  },
};
