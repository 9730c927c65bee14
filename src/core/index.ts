// The broker-agnostic core: what users import from "postline" and what adapters build on.
export type { AsyncCloseable } from "./disposable.js";
export { App, type AppOptions, type Hook, type ShutdownSignal, type Startable } from "./app.js";
export { ackPolicies, settlementFor, type AckPolicy } from "./ack-policy.js";
export { DEFAULT_MAX_PENDING, DropReporter, validateMaxPending } from "./slow-consumer.js";
export { DeliveryQueue, type Backpressure, type DeliveryQueueOptions } from "./delivery-queue.js";
export { RedeliveryRule, validateMaxDeliveries, type Split } from "./redelivery.js";
export { Broker, useTransport, type BrokerOptions } from "./broker.js";
export { CodecRegistry, bytesCodec, jsonCodec, textCodec, type Codec } from "./codecs.js";
export { currentContext, type MessageContext, type SettledListener, type SubscriberInfo } from "./context.js";
export {
  AckMessage,
  ConfigurationError,
  DecodeError,
  FeatureNotSupportedError,
  MessageTooLargeError,
  MissingPeerDependencyError,
  NackMessage,
  NoRespondersError,
  NotConnectedError,
  PostlineError,
  RejectMessage,
  RequestTimeoutError,
  SettlementSignal,
  ValidationError,
  type ValidationIssue,
} from "./errors.js";
export { consoleLogger, silentLogger, type LogLevel, type Logger } from "./logger.js";
export type { Headers, IncomingMessage, OutgoingMessage, PublishCommand, PublishKind, ServerAddress, Settlement } from "./message.js";
export { composeConsume, composePublish, type ConsumeChain, type Middleware, type PublishNext, type PublishOutcome } from "./middleware.js";
export type { PublishApi, PublishOptions, Reply, RequestOptions } from "./publish-api.js";
export { loadPeer } from "./peer.js";
export type { Publisher, PublisherOptions } from "./publisher.js";
export type { BodyOf, SubscriberBuilder, SubscriptionCheck } from "./registry.js";
export type { AppDocumentation, DocumentationOptions, PublisherDocumentation, SubscriberDocumentation } from "./registrations.js";
export { REQUEST_ID_HEADER } from "./request-reply.js";
export { parseServer } from "./server.js";
export { Router, type RouterOptions } from "./router.js";
export type { InferBody, StandardSchemaV1 } from "./schema.js";
export { Subscriber, type Handler, type SubscriberOptions } from "./subscriber.js";
export type { MessagingFacts, SubscriptionFacts, TelemetryProvider } from "./telemetry/provider.js";
export type {
  BatchOptions,
  Delivery,
  DeliveryHandler,
  SubscriptionSpec,
  Transport,
  TransportCapabilities,
  TransportSubscription,
} from "./transport.js";
