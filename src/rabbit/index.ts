// `postline/rabbit`: RabbitMQ through amqplib. The telemetry middleware is in `postline/rabbit/opentelemetry`.
// Its public types mention Buffer, as the broker client's own types do: they need @types/node, even in a
// project whose tsconfig `types` leaves node out (the default from TypeScript 6 on).
/// <reference types="node" preserve="true" />
export { RabbitBroker, RabbitRouter } from "./broker.js";
export { ChannelClosedError, RabbitConnectionError, UnroutableError } from "./errors.js";
export type { RabbitRawMessage } from "./message.js";
export type {
  DeadLetter,
  DestinationSubscribeOptions,
  ExchangeRef,
  ExchangeSpec,
  ExchangeType,
  QueueSpec,
  QueueSubscribeOptions,
  RabbitBrokerOptions,
  RabbitPublishOptions,
  RabbitSubscribeOptions,
} from "./options.js";
export { rabbitTelemetry } from "./telemetry.js";
