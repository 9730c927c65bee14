import type { IncomingMessage, PublishCommand } from "../message.js";

/**
 * Broker-specific facts about a publish or a consumed message. The telemetry middleware turns them into
 * attribute keys for the selected convention (current or FastStream), so adapters never name an attribute.
 */
export interface MessagingFacts {
  /** The destination as the conventions name it (topic, queue, subject, exchange). */
  readonly destinationName: string;
  /** The low-cardinality template of a wildcard subscription (`orders.*`). */
  readonly destinationTemplate?: string | undefined;
  /** FastStream's span-name destination when it differs (RabbitMQ: `"{exchange or 'default'}.{routing key}"`). */
  readonly faststreamDestination?: string | undefined;
  /** Temporary or anonymous destinations (reply inboxes) are left out of span names. */
  readonly temporary?: boolean | undefined;
  readonly partitionId?: string | undefined;
  readonly consumerGroup?: string | undefined;
  readonly serverAddress?: string | undefined;
  readonly serverPort?: number | undefined;
  /** Kafka. */
  readonly messageKey?: string | undefined;
  readonly offset?: number | undefined;
  readonly tombstone?: boolean | undefined;
  /** RabbitMQ: the exchange (`""` for the default one), which FastStream mode reports as the destination. */
  readonly exchange?: string | undefined;
  /** RabbitMQ. */
  readonly routingKey?: string | undefined;
  readonly deliveryTag?: number | undefined;
  /** FastStream-mode message id when the broker derives it (Kafka: `"{offset}-{timestamp}"`). */
  readonly messageId?: string | undefined;
}

/** What the telemetry consume side knows about the subscription a message arrived through. */
export interface SubscriptionFacts {
  readonly destination: string;
  readonly group: string | undefined;
}

/** Implemented once per adapter (`src/<broker>/telemetry.ts`). */
export interface TelemetryProvider<PublishOptions = unknown, Raw = unknown> {
  /** Value of `messaging.system.name`: `kafka`, `rabbitmq`, `nats`, `redis`, `mqtt`, `memory`. */
  readonly system: string;
  /** The adapter this provider belongs to (the brand checked when a middleware is attached). */
  readonly broker: string;
  publishFacts(command: PublishCommand<PublishOptions>): MessagingFacts;
  consumeFacts(message: IncomingMessage<Raw>, subscription: SubscriptionFacts): MessagingFacts;
}
