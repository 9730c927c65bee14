import type { Attributes } from "@opentelemetry/api";
import type { IncomingMessage, MessagingFacts, OutgoingMessage, ServerAddress } from "../core/index.js";
import { ATTR, ATTR_FASTSTREAM, ATTR_PREVIOUS } from "../core/telemetry/semconv.js";

/** Facts → attribute keys of the selected convention. The only place that knows the keys per system. */
export interface AttributeSettings {
  readonly system: string;
  /** Also write the keys that semantic-conventions 1.45 replaced (`messaging/dup`). */
  readonly duplicatePrevious: boolean;
}

function setIfDefined(attributes: Attributes, key: string, value: string | number | boolean | undefined): void {
  if (value !== undefined) attributes[key] = value;
}

/** Where attributes known only after the span started go: the span itself. */
export interface AttributeSink {
  setAttribute(key: string, value: string | number | boolean): unknown;
}

/**
 * The sampling-relevant attributes of a current-mode span (`send`, `create`, `process`), which the conventions
 * say to give at span creation so a sampler sees them: system, operation, destination, partition, consumer
 * group, server. Built as one object per span.
 */
export function creationAttributes(settings: AttributeSettings, facts: MessagingFacts, server: ServerAddress | undefined, operation: "send" | "create" | "process"): Attributes {
  const attributes: Attributes = {
    [ATTR.systemName]: settings.system,
    [ATTR.operationName]: operation,
    [ATTR.operationType]: operation,
    [ATTR.destinationName]: facts.destinationName,
  };
  if (settings.duplicatePrevious) attributes[ATTR_PREVIOUS.system] = settings.system;
  setIfDefined(attributes, ATTR.destinationTemplate, facts.destinationTemplate);
  setIfDefined(attributes, ATTR.destinationPartitionId, facts.partitionId);
  setIfDefined(attributes, ATTR.consumerGroupName, facts.consumerGroup);
  if (server !== undefined) {
    attributes[ATTR.serverAddress] = server.address;
    setIfDefined(attributes, ATTR.serverPort, server.port);
  }
  return attributes;
}

/**
 * Everything else is set on the started span: the SDK validates creation attributes twice (once for the
 * sampler, once for the span) and attributes set later once, and this runs twice per message. A batch
 * carries its size; a single message its ids and body size (per-message ids of a batch go on its links).
 */
export function setMessageAttributes(span: AttributeSink, settings: AttributeSettings, facts: MessagingFacts, messages: readonly (IncomingMessage | OutgoingMessage)[], batch: boolean): void {
  const dup = settings.duplicatePrevious;
  if (facts.temporary === true) span.setAttribute(ATTR.destinationTemporary, true);
  if (facts.messageKey !== undefined) {
    span.setAttribute(ATTR.kafkaMessageKey, facts.messageKey);
    if (dup) span.setAttribute(ATTR_PREVIOUS.kafkaMessageKey, facts.messageKey);
  }
  if (facts.offset !== undefined) {
    span.setAttribute(ATTR.kafkaOffset, facts.offset);
    if (dup) span.setAttribute(ATTR_PREVIOUS.kafkaOffset, facts.offset);
  }
  if (facts.tombstone === true) {
    span.setAttribute(ATTR.kafkaTombstone, true);
    if (dup) span.setAttribute(ATTR_PREVIOUS.kafkaTombstone, true);
  }
  if (facts.routingKey !== undefined && facts.routingKey !== "") {
    span.setAttribute(ATTR.rabbitRoutingKey, facts.routingKey);
    if (dup) span.setAttribute(ATTR_PREVIOUS.rabbitRoutingKey, facts.routingKey);
  }
  if (facts.deliveryTag !== undefined) {
    span.setAttribute(ATTR.rabbitDeliveryTag, facts.deliveryTag);
    if (dup) span.setAttribute(ATTR_PREVIOUS.rabbitDeliveryTag, facts.deliveryTag);
  }
  const first = messages[0];
  if (batch) {
    span.setAttribute(ATTR.batchMessageCount, messages.length);
  } else if (first !== undefined) {
    // Incoming messages from other clients may have no ids; outgoing ones always do.
    if (first.messageId !== undefined) span.setAttribute(ATTR.messageId, first.messageId);
    if (first.correlationId !== undefined) span.setAttribute(ATTR.conversationId, first.correlationId);
    span.setAttribute(ATTR.bodySize, first.body.byteLength);
  }
}

/** FastStream's publish-side attributes (its `get_publish_attrs_from_cmd`). */
export function faststreamPublishAttributes(system: string, facts: MessagingFacts, messages: readonly OutgoingMessage[]): Attributes {
  const attributes: Attributes = {
    [ATTR_FASTSTREAM.system]: system,
    [ATTR_FASTSTREAM.destinationName]: facts.exchange ?? facts.destinationName,
    [ATTR_FASTSTREAM.conversationId]: messages[0]?.correlationId ?? "",
  };
  setIfDefined(attributes, ATTR_FASTSTREAM.kafkaPartition, facts.partitionId === undefined ? undefined : Number(facts.partitionId));
  setIfDefined(attributes, ATTR_FASTSTREAM.kafkaMessageKey, facts.messageKey);
  setIfDefined(attributes, ATTR_FASTSTREAM.rabbitRoutingKey, facts.routingKey);
  if (messages.length > 1) attributes[ATTR_FASTSTREAM.batchMessageCount] = messages.length;
  return attributes;
}

/** FastStream's consume-side attributes (its `get_consume_attrs_from_message`). */
export function faststreamConsumeAttributes(system: string, facts: MessagingFacts, messages: readonly IncomingMessage[], batch: boolean, fallbackId: () => string): Attributes {
  const first = messages[0];
  const generated = fallbackId();
  const attributes: Attributes = {
    [ATTR_FASTSTREAM.system]: system,
    [ATTR_FASTSTREAM.messageId]: facts.messageId ?? first?.messageId ?? generated,
    [ATTR_FASTSTREAM.conversationId]: first?.correlationId ?? generated,
    [ATTR_FASTSTREAM.payloadSize]: messages.reduce((total, message) => total + message.body.byteLength, 0),
    [ATTR_FASTSTREAM.destinationPublishName]: facts.exchange ?? facts.destinationName,
  };
  if (batch) attributes[ATTR_FASTSTREAM.batchMessageCount] = messages.length;
  setIfDefined(attributes, ATTR_FASTSTREAM.kafkaPartition, facts.partitionId === undefined ? undefined : Number(facts.partitionId));
  if (!batch) {
    setIfDefined(attributes, ATTR_FASTSTREAM.kafkaOffset, facts.offset);
    setIfDefined(attributes, ATTR_FASTSTREAM.kafkaMessageKey, facts.messageKey);
  }
  setIfDefined(attributes, ATTR_FASTSTREAM.rabbitRoutingKey, facts.routingKey);
  setIfDefined(attributes, ATTR_FASTSTREAM.rabbitDeliveryTag, facts.deliveryTag);
  return attributes;
}

/** The span-name destination: current mode leaves temporary destinations out, FastStream never does. */
export function currentSpanName(operation: string, facts: MessagingFacts): string {
  if (facts.temporary === true) return operation;
  return `${operation} ${facts.destinationTemplate ?? facts.destinationName}`;
}

export function faststreamDestination(facts: MessagingFacts): string {
  return facts.faststreamDestination ?? facts.destinationName;
}

export function faststreamSpanName(facts: MessagingFacts, action: "create" | "publish" | "process"): string {
  return `${faststreamDestination(facts)} ${action}`;
}
