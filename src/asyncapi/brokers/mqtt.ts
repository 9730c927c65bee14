// MQTT 5 (or 3.1.1) with the MQTT bindings 0.2.0: a channel is a topic (filter), QoS and retain are the
// operation's; a group is an MQTT 5 shared subscription.
import { defined, hostOf, type BrokerProfile } from "./profile.js";

const BINDING_VERSION = "0.2.0";

export const mqttProfile: BrokerProfile = {
  server(broker) {
    const version = (broker as { protocolVersion?: unknown }).protocolVersion;
    return { protocol: "mqtt", protocolVersion: version === 4 ? "3.1.1" : "5", host: hostOf(broker, 1883) };
  },
  correlationIdLocation: "$message.header#/correlationData",
  replyToLocation: "$message.header#/responseTopic",
  subscription(destination, options) {
    const group = typeof options.group === "string" ? options.group : undefined;
    return {
      address: destination,
      ...(group === undefined ? {} : { description: `Shared subscription $share/${group}/${destination}: the group's members split the messages.` }),
      operationBindings: { mqtt: defined({ qos: typeof options.qos === "number" ? options.qos : 1, bindingVersion: BINDING_VERSION }) },
    };
  },
  publication(destination, options) {
    return {
      address: destination,
      operationBindings: {
        mqtt: defined({
          qos: typeof options.qos === "number" ? options.qos : undefined,
          retain: typeof options.retain === "boolean" ? options.retain : undefined,
          messageExpiryInterval: typeof options.messageExpirySeconds === "number" ? options.messageExpirySeconds : undefined,
          bindingVersion: BINDING_VERSION,
        }),
      },
    };
  },
};
