// Its public types mention Buffer, as the broker client's own types do: they need @types/node, even in a
// project whose tsconfig `types` leaves node out (the default from TypeScript 6 on).
/// <reference types="node" preserve="true" />
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
