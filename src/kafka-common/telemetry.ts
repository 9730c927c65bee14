import type { IncomingMessage, MessagingFacts, PublishCommand, SubscriptionFacts, TelemetryProvider } from "../core/index.js";
import { text } from "./headers.js";
import type { KafkaPublishOptions } from "./options.js";

/** What telemetry reads from a consumed record, whatever the client's record type looks like. */
export interface KafkaRecordView {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  /** Milliseconds since the epoch, as Kafka stores it. */
  readonly timestamp: bigint;
  readonly key: Uint8Array | string | null | undefined;
  /** A null value: the deletion marker of a compacted topic. */
  readonly tombstone: boolean;
}

/** Kafka's own facts, besides the generic ones. */
export interface KafkaFacts extends MessagingFacts {
  readonly messageKey?: string | undefined;
  readonly offset?: number | undefined;
  readonly tombstone?: boolean | undefined;
}

/**
 * Kafka's attributes, as data: the key of the current conventions (`kafka.md` of semantic-conventions v1.44,
 * keys of the npm package 1.45.0), the one it replaced (written too under `messaging/dup`) and FastStream's.
 * The partition has a generic current key (`messaging.destination.partition.id`); only FastStream names it
 * after Kafka, as a number. FastStream reads the offset and key of single messages only.
 */
const kafkaAttributes: NonNullable<TelemetryProvider<KafkaPublishOptions, unknown, KafkaFacts>["attributes"]> = [
  {
    faststream: "messaging.kafka.destination.partition",
    value: (facts) => (facts.partitionId === undefined ? undefined : Number(facts.partitionId)),
  },
  {
    current: "kafka.message.key",
    previous: "messaging.kafka.message.key",
    faststream: "messaging.kafka.message.key",
    faststreamSingleOnly: true,
    value: (facts) => facts.messageKey,
  },
  {
    current: "kafka.offset",
    previous: "messaging.kafka.offset",
    faststream: "messaging.kafka.message.offset",
    faststreamSingleOnly: true,
    value: (facts) => facts.offset,
  },
  { current: "kafka.message.tombstone", previous: "messaging.kafka.message.tombstone", value: (facts) => (facts.tombstone === true ? true : undefined) },
];

/**
 * The Kafka facts of the messaging conventions, shared by every Kafka client's adapter: partition, offset, the
 * key as text, tombstones, the consumer group and, for FastStream mode, its message id `"{offset}-{timestamp}"`.
 * `broker` is the adapter's brand (`kafka`, `confluent`); the system is `kafka` for both. No `server.address`:
 * the middleware's provider is built before any broker, so it cannot know the broker's bootstrap servers.
 */
export function kafkaTelemetry<Broker extends string, Raw>(broker: Broker, view: (raw: Raw) => KafkaRecordView): TelemetryProvider<KafkaPublishOptions, Raw, KafkaFacts> {
  return {
    system: "kafka",
    broker,
    attributes: kafkaAttributes,
    publishFacts(command: PublishCommand<KafkaPublishOptions>): KafkaFacts {
      const { partition, key, tombstone } = command.options;
      return {
        destinationName: command.destination,
        temporary: command.kind === "reply",
        partitionId: partition === undefined ? undefined : String(partition),
        messageKey: key === undefined ? undefined : text(key),
        tombstone: tombstone === true ? true : undefined,
      };
    },
    consumeFacts(message: IncomingMessage<Raw>, subscription: SubscriptionFacts): KafkaFacts {
      const record = view(message.raw);
      return {
        destinationName: record.topic,
        // A pattern subscription's destination is its template; a plain one's is the topic itself.
        destinationTemplate: subscription.destination === record.topic ? undefined : subscription.destination,
        partitionId: String(record.partition),
        offset: Number(record.offset),
        messageKey: record.key === null || record.key === undefined ? undefined : text(record.key),
        tombstone: record.tombstone ? true : undefined,
        consumerGroup: subscription.group,
        // Only FastStream mode reads it, but a getter here made every facts object slower to build and copy.
        messageId: `${record.offset}-${record.timestamp}`,
      };
    },
  };
}
