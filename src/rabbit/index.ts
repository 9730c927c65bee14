// `postline/rabbit`: RabbitMQ through amqplib. The telemetry middleware is in `postline/rabbit/opentelemetry`.
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
