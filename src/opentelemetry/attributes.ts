import type { Attributes } from "@opentelemetry/api";
import type { IncomingMessage, MessagingFacts, OutgoingMessage, ServerAddress } from "../core/index.js";
import type { AttributeValue, SystemAttribute } from "../core/telemetry/provider.js";
import { ATTR, ATTR_FASTSTREAM, ATTR_PREVIOUS } from "../core/telemetry/semconv.js";

/**
 * Facts → attribute keys of the selected convention. The generic messaging keys are known here; a system's
 * own keys come from its adapter's declarations (`TelemetryProvider.attributes`), compiled once per
 * middleware into `SystemKey`s and looped over per span.
 */
export interface AttributeSettings {
  readonly system: string;
  /** Also write the keys that semantic-conventions 1.45 replaced (`messaging/dup`). */
  readonly duplicatePrevious: boolean;
  /** The adapter's system attributes, compiled for this convention. */
  readonly systemKeys: readonly SystemKey[];
}

/** One declared system attribute, compiled for one convention: the keys to write and where the value is. */
export interface SystemKey {
  readonly key: string;
  /** The previous key, written too (current mode under `messaging/dup` only). */
  readonly previous: string | undefined;
  /** Left off a batch's `process` span (FastStream mode only). */
  readonly singleOnly: boolean;
  readonly read: (facts: MessagingFacts) => AttributeValue | undefined;
}

export function currentSystemKeys(declarations: readonly SystemAttribute[], duplicatePrevious: boolean): readonly SystemKey[] {
  const keys: SystemKey[] = [];
  for (const declaration of declarations) {
    if (declaration.current === undefined) continue;
    keys.push({ key: declaration.current, previous: duplicatePrevious ? declaration.previous : undefined, singleOnly: false, read: (facts) => declaration.value(facts) });
  }
  return keys;
}

export function faststreamSystemKeys(declarations: readonly SystemAttribute[]): readonly SystemKey[] {
  const keys: SystemKey[] = [];
  for (const declaration of declarations) {
    if (declaration.faststream === undefined) continue;
    const read = declaration.faststreamValue === undefined ? (facts: MessagingFacts) => declaration.value(facts) : (facts: MessagingFacts) => declaration.faststreamValue?.(facts);
    keys.push({ key: declaration.faststream, previous: undefined, singleOnly: declaration.faststreamSingleOnly === true, read });
  }
  return keys;
}

function setIfDefined(attributes: Attributes, key: string, value: AttributeValue | undefined): void {
  if (value !== undefined) attributes[key] = value;
}

/** Where attributes known only after the span started go: the span itself. */
export interface AttributeSink {
  setAttribute(key: string, value: AttributeValue): unknown;
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
  if (facts.temporary === true) span.setAttribute(ATTR.destinationTemporary, true);
  // An indexed loop: this runs for every span, and most adapters declare nothing.
  const keys = settings.systemKeys;
  for (let index = 0; index < keys.length; index += 1) {
    const entry = keys[index]!;
    const value = entry.read(facts);
    if (value === undefined) continue;
    span.setAttribute(entry.key, value);
    if (entry.previous !== undefined) span.setAttribute(entry.previous, value);
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
export function faststreamPublishAttributes(settings: AttributeSettings, facts: MessagingFacts, messages: readonly OutgoingMessage[]): Attributes {
  const attributes: Attributes = {
    [ATTR_FASTSTREAM.system]: settings.system,
    [ATTR_FASTSTREAM.destinationName]: facts.faststreamDestinationName ?? facts.destinationName,
    [ATTR_FASTSTREAM.conversationId]: messages[0]?.correlationId ?? "",
  };
  for (const entry of settings.systemKeys) setIfDefined(attributes, entry.key, entry.read(facts));
  if (messages.length > 1) attributes[ATTR_FASTSTREAM.batchMessageCount] = messages.length;
  return attributes;
}

/** FastStream's consume-side attributes (its `get_consume_attrs_from_message`). */
export function faststreamConsumeAttributes(settings: AttributeSettings, facts: MessagingFacts, messages: readonly IncomingMessage[], batch: boolean, fallbackId: () => string): Attributes {
  const first = messages[0];
  const generated = fallbackId();
  const attributes: Attributes = {
    [ATTR_FASTSTREAM.system]: settings.system,
    [ATTR_FASTSTREAM.messageId]: facts.messageId ?? first?.messageId ?? generated,
    [ATTR_FASTSTREAM.conversationId]: first?.correlationId ?? generated,
    [ATTR_FASTSTREAM.payloadSize]: messages.reduce((total, message) => total + message.body.byteLength, 0),
    [ATTR_FASTSTREAM.destinationPublishName]: facts.faststreamDestinationName ?? facts.destinationName,
  };
  if (batch) attributes[ATTR_FASTSTREAM.batchMessageCount] = messages.length;
  for (const entry of settings.systemKeys) {
    if (!(batch && entry.singleOnly)) setIfDefined(attributes, entry.key, entry.read(facts));
  }
  return attributes;
}
