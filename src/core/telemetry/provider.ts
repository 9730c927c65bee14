import type { IncomingMessage, PublishCommand } from "../message.js";

/**
 * Broker-agnostic facts about a publish or a consumed message. The telemetry middleware turns them into the
 * generic messaging keys of the selected convention (current or FastStream), so adapters never name a generic
 * attribute. What only one system has (a Kafka offset, a RabbitMQ routing key) an adapter adds to its own
 * facts type and declares in `TelemetryProvider.attributes`.
 */
export interface MessagingFacts {
  /** The destination as the conventions name it (topic, queue, subject, exchange). */
  readonly destinationName: string;
  /** The low-cardinality template of a wildcard subscription (`orders.*`). */
  readonly destinationTemplate?: string | undefined;
  /** FastStream's span-name destination when it differs (RabbitMQ: `"{exchange or 'default'}.{routing key}"`). */
  readonly faststreamDestination?: string | undefined;
  /**
   * The destination FastStream mode reports in its destination attributes when it differs from
   * `destinationName` (RabbitMQ: the exchange, `""` for the default one).
   */
  readonly faststreamDestinationName?: string | undefined;
  /** Temporary or anonymous destinations (reply inboxes) are left out of span names. */
  readonly temporary?: boolean | undefined;
  readonly partitionId?: string | undefined;
  readonly consumerGroup?: string | undefined;
  readonly serverAddress?: string | undefined;
  readonly serverPort?: number | undefined;
  /** FastStream-mode message id when the broker derives it (Kafka: `"{offset}-{timestamp}"`). */
  readonly messageId?: string | undefined;
}

/** What the telemetry consume side knows about the subscription a message arrived through. */
export interface SubscriptionFacts {
  readonly destination: string;
  readonly group: string | undefined;
}

export type AttributeValue = string | number | boolean;

/**
 * One attribute only this system has, declared as data by the adapter (`src/<broker>/telemetry.ts`). The
 * middleware writes it on send, create and process spans whenever `value` gives something, under the key of
 * the selected convention.
 */
export interface SystemAttribute<Facts extends MessagingFacts = MessagingFacts> {
  /** The key of the current conventions (`kafka.offset`); absent when current mode reports it another way. */
  readonly current?: string | undefined;
  /** The key `current` replaced, written too under `OTEL_SEMCONV_STABILITY_OPT_IN=messaging/dup`. */
  readonly previous?: string | undefined;
  /** The key Python FastStream writes; absent when FastStream does not report it. */
  readonly faststream?: string | undefined;
  /** The value in current mode; `undefined` leaves the attribute out. */
  value(facts: Facts): AttributeValue | undefined;
  /** The value in FastStream mode when it differs from `value` (FastStream's Kafka partition is a number). */
  faststreamValue?(facts: Facts): AttributeValue | undefined;
  /** FastStream reads it from single messages only: left off the `process` span of a batch. */
  readonly faststreamSingleOnly?: boolean | undefined;
}

/** Implemented once per adapter (`src/<broker>/telemetry.ts`). */
export interface TelemetryProvider<PublishOptions = unknown, Raw = unknown, Facts extends MessagingFacts = MessagingFacts> {
  /** Value of `messaging.system.name`: `kafka`, `rabbitmq`, `nats`, `redis`, `mqtt`, `memory`. */
  readonly system: string;
  /** The adapter this provider belongs to (the brand checked when a middleware is attached). */
  readonly broker: string;
  /** The system's own attributes, read from the facts this provider builds (absent or empty: none). */
  readonly attributes?: readonly SystemAttribute<Facts>[] | undefined;
  publishFacts(command: PublishCommand<PublishOptions>): Facts;
  consumeFacts(message: IncomingMessage<Raw>, subscription: SubscriptionFacts): Facts;
}
