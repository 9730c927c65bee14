// Kafka (postline/kafka and postline/confluent) with the Kafka bindings 0.5.0: a channel is a topic, a
// subscriber's group is its consumer group.
import { type BrokerProfile, envelopeHeaders, serverAt } from "./profile.js";

const BINDING_VERSION = "0.5.0";

export const kafkaProfile: BrokerProfile = {
  server: serverAt("kafka", 9092),
  ...envelopeHeaders,
  subscription(destination, options) {
    const pattern = options.pattern === undefined ? undefined : options.pattern === true ? destination : options.pattern instanceof RegExp ? options.pattern.source : JSON.stringify(options.pattern);
    const group = typeof options.group === "string" ? options.group : undefined;
    return {
      address: destination,
      ...(pattern === undefined ? { bindings: { kafka: { topic: destination, bindingVersion: BINDING_VERSION } } } : { description: `Every topic matching ${pattern}.` }),
      ...(group === undefined ? {} : { operationBindings: { kafka: { groupId: { type: "string", enum: [group] }, bindingVersion: BINDING_VERSION } } }),
    };
  },
  publication(destination) {
    return { address: destination, bindings: { kafka: { topic: destination, bindingVersion: BINDING_VERSION } } };
  },
};
