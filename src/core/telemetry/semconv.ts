/**
 * Attribute, metric and value names, copied as plain constants (the `incubating` entry of
 * `@opentelemetry/semantic-conventions` is not meant to be imported at run time).
 *
 * `current`: the messaging conventions of semantic-conventions v1.44 with the keys of the npm package
 * `@opentelemetry/semantic-conventions` 1.45.0 (`messaging.system.name`, ...).
 * `previous`: the keys those replaced (v1.27–v1.44), emitted too under `OTEL_SEMCONV_STABILITY_OPT_IN=messaging/dup`.
 * `faststream`: the pre-1.25 keys Python FastStream 0.6/0.7 emits (its `SpanAttributes` resolve to these).
 *
 * Only the generic messaging keys are here: a system's own keys (`kafka.offset`, `rabbitmq.*`) are declared
 * by its adapter, in `src/<broker>/telemetry.ts`, with the same three versions.
 */
export const SEMCONV_VERSION = "1.45.0";
export const SCHEMA_URL_CURRENT = "https://opentelemetry.io/schemas/1.44.0";
export const SCHEMA_URL_FASTSTREAM = "https://opentelemetry.io/schemas/1.11.0";

export const ATTR = {
  systemName: "messaging.system.name",
  operationName: "messaging.operation.name",
  operationType: "messaging.operation.type",
  destinationName: "messaging.destination.name",
  destinationTemplate: "messaging.destination.template",
  destinationTemporary: "messaging.destination.temporary",
  destinationPartitionId: "messaging.destination.partition.id",
  messageId: "messaging.message.id",
  conversationId: "messaging.message.conversation_id",
  bodySize: "messaging.message.body.size",
  batchMessageCount: "messaging.batch.message_count",
  consumerGroupName: "messaging.consumer.group.name",
  serverAddress: "server.address",
  serverPort: "server.port",
  errorType: "error.type",
  /** Postline's own: how the process span's message was settled (`ack`, `nack`, `reject`). */
  settlement: "messaging.postline.settlement",
} as const;

/** Keys before semantic-conventions 1.45 (for `messaging/dup`). */
export const ATTR_PREVIOUS = {
  system: "messaging.system",
} as const;

/** What FastStream writes (resolved from Python's deprecated `SpanAttributes`). */
export const ATTR_FASTSTREAM = {
  system: "messaging.system",
  operation: "messaging.operation",
  destinationName: "messaging.destination.name",
  destinationPublishName: "messaging.destination_publish.name",
  messageId: "messaging.message.id",
  conversationId: "messaging.message.conversation_id",
  payloadSize: "messaging.message.payload_size_bytes",
  batchMessageCount: "messaging.batch.message_count",
  errorType: "error.type",
} as const;

export const OPERATION_TYPE = { create: "create", send: "send", receive: "receive", process: "process", settle: "settle" } as const;

export const METRIC = {
  clientOperationDuration: "messaging.client.operation.duration",
  processDuration: "messaging.process.duration",
  clientSentMessages: "messaging.client.sent.messages",
  clientConsumedMessages: "messaging.client.consumed.messages",
} as const;

export const METRIC_FASTSTREAM = {
  publishDuration: "messaging.publish.duration",
  processDuration: "messaging.process.duration",
  publishMessages: "messaging.publish.messages",
  processMessages: "messaging.process.messages",
} as const;

/** The conventions' advice for messaging duration histograms, in seconds. */
export const DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] as const;
