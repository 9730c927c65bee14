// Its public types mention Buffer, as the broker client's own types do: they need @types/node, even in a
// project whose tsconfig `types` leaves node out (the default from TypeScript 6 on).
/// <reference types="node" preserve="true" />
export { RedisBroker, RedisRouter } from "./broker.js";
export { RedisConnectionError } from "./connection.js";
export { decodeEnvelope, encodeEnvelope, type Envelope, type MessageFormat } from "./envelope.js";
export type { RedisRawMessage } from "./message.js";
export {
  redisCapabilities,
  type RedisBrokerOptions,
  type RedisChannelSubscribeOptions,
  type RedisKind,
  type RedisListSubscribeOptions,
  type RedisPublishOptions,
  type RedisStreamSubscribeOptions,
  type RedisSubscribeOptions,
} from "./options.js";
export { redisTelemetry } from "./telemetry.js";
