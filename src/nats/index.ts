export { NatsBroker, NatsRouter } from "./broker.js";
export { NatsError } from "./errors.js";
export { isJetStreamMessage, type NatsRaw } from "./message.js";
export type {
  NatsBrokerOptions,
  NatsCoreSubscribeOptions,
  NatsJetStreamBrokerOptions,
  NatsJetStreamConsumerOptions,
  NatsJetStreamPublishOptions,
  NatsJetStreamSubscribeOptions,
  NatsPublishOptions,
  NatsStreamConfig,
  NatsSubscribeOptions,
} from "./options.js";
export { isWildcardSubject, natsTelemetry } from "./telemetry.js";
export { natsCapabilities, NatsTransport } from "./transport.js";
