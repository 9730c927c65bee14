// How a Kafka subscription is set up around its consumer, the same for both adapters: its transport's
// services, its consumer group, and the deliveries between the consumer and core. The consumer itself (how it
// joins, pauses and commits) is each client's own.
import { randomUUID } from "node:crypto";
import type { DeliveryHandler, SubscriptionSpec } from "../core/index.js";
import { KafkaDeliveries, type Inflight } from "./deliveries.js";
import type { KafkaSubscribeOptions } from "./options.js";

/** What a subscription needs from its transport; `Options` are the adapter's resolved broker options. */
export interface SubscriptionContextOf<Options, Raw> {
  readonly options: Options;
  ensureTopics(topics: readonly string[]): Promise<void>;
  deadLetter(target: string, records: readonly Inflight<Raw>[]): Promise<void>;
  /** Called once the consumer has left: removes a generated group and an inbox topic. */
  cleanUp(group: string | undefined, topic: string | undefined): Promise<void>;
  readonly onError: (message: string, error: unknown) => void;
}

/** The subscriber's group, or a generated one (deleted when it leaves) so that every subscriber gets every message. */
export function consumerGroup(options: KafkaSubscribeOptions, clientId: string): { readonly group: string; readonly generated: boolean } {
  return { group: options.group ?? `${clientId}.${randomUUID()}`, generated: options.group === undefined };
}

/** How the deliveries reach the consumer: commits, and pausing while the buffer is full. */
export interface ConsumerHooks<Raw> {
  commit(record: Inflight<Raw>): void;
  pause(): void;
  resume(): void;
}

export function subscriptionDeliveries<Raw>(
  context: SubscriptionContextOf<unknown, Raw>,
  spec: SubscriptionSpec<KafkaSubscribeOptions>,
  handler: DeliveryHandler<Raw>,
  consumer: ConsumerHooks<Raw>,
): KafkaDeliveries<Raw> {
  const deadLetter = spec.options.deadLetter;
  return new KafkaDeliveries<Raw>({
    concurrency: spec.concurrency,
    batch: spec.batch,
    maxBuffered: Math.max(256, 2 * (spec.batch?.maxSize ?? 0), 2 * spec.concurrency),
    maxDeliveries: spec.maxDeliveries,
    deliver: handler,
    commit: (record) => consumer.commit(record),
    deadLetter: deadLetter === undefined ? undefined : (records) => context.deadLetter(deadLetter, records),
    pause: () => consumer.pause(),
    resume: () => consumer.resume(),
    onError: context.onError,
  });
}
