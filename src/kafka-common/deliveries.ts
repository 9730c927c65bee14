import { DeliveryQueue, RedeliveryRule, type BatchOptions, type Delivery, type IncomingMessage, type Settlement } from "../core/index.js";
import { OffsetLedger } from "./offsets.js";

/** One record on its way through a subscription: where it sits in its partition and how often it was delivered. */
export interface Inflight<Raw> {
  readonly partition: string;
  message: IncomingMessage<Raw>;
}

export interface DeliveriesOptions<Raw> {
  readonly concurrency: number;
  readonly batch: BatchOptions | undefined;
  /** Records waiting for a handler before the consumer is paused (backpressure). */
  readonly maxBuffered: number;
  readonly maxDeliveries: number | undefined;
  /** Core's handler for one delivery. */
  readonly deliver: (delivery: Delivery<Raw>) => Promise<void>;
  /** Commit the partition's offset to just after this record. */
  readonly commit: (record: Inflight<Raw>) => void;
  /** Sends rejected records to the dead-letter topic, when the subscription has one. */
  readonly deadLetter: ((records: readonly Inflight<Raw>[]) => Promise<void>) | undefined;
  readonly pause: () => void;
  readonly resume: () => void;
  readonly onError: (message: string, error: unknown) => void;
}

/** How long records wait before another try when their dead-letter topic could not take them. */
const DEAD_LETTER_RETRY_MS = 1_000;

/**
 * Kafka's side of a subscription's deliveries: records go through core's delivery queue (keyed by partition,
 * the consumer paused while it is full), and settlements become commits. Kafka has no per-message ack: an ack
 * or a reject lets the partition's committed offset move past the record (once every earlier record is settled
 * too); a nack with requeue (within core's redelivery rule) puts the same record back at the front of the
 * queue before anything after it is committed, which is what seeking back to its offset would fetch
 * (at-least-once: after a crash or rebalance Kafka delivers it again).
 */
export class KafkaDeliveries<Raw> {
  readonly #options: DeliveriesOptions<Raw>;
  readonly #ledger = new OffsetLedger<Inflight<Raw>>();
  readonly #queue: DeliveryQueue<Inflight<Raw>>;
  readonly #redelivery: RedeliveryRule;
  #stopped = false;

  constructor(options: DeliveriesOptions<Raw>) {
    this.#options = options;
    this.#redelivery = new RedeliveryRule(options.maxDeliveries);
    this.#queue = new DeliveryQueue<Inflight<Raw>>({
      concurrency: options.concurrency,
      batch: options.batch,
      backpressure: { highWater: options.maxBuffered, pause: options.pause, resume: options.resume },
      keyOf: (record) => record.partition,
      deliver: (records) => this.#deliver(records),
      onError: (error) => options.onError("a delivery failed outside the handler", error),
    });
  }

  push(message: IncomingMessage<Raw>, partition: string): void {
    if (this.#stopped) return;
    const record: Inflight<Raw> = { partition, message };
    this.#ledger.add(partition, record);
    this.#queue.push(record);
  }

  /**
   * After a rebalance: records of partitions this member no longer owns are dropped before they reach a handler
   * (uncommitted, so their new owner reads them), and their commit positions are forgotten.
   */
  retain(owned: (partition: string) => boolean): void {
    // Partitions whose records are all in handlers count too: committing their offsets after the rebalance could
    // move the new owner's position backwards. (Every waiting record is in the ledger.)
    const revoked = new Set(this.#ledger.partitions().filter((partition) => !owned(partition)));
    if (revoked.size === 0) return;
    this.#queue.retain((partition) => !revoked.has(partition));
    for (const partition of revoked) this.#ledger.forget(partition);
  }

  /** Stops handing records over and drops the waiting ones (uncommitted: the group's next consumer gets them). */
  stop(): Promise<void> {
    this.#stopped = true;
    this.#queue.close();
    this.#queue.takeQueued();
    return this.#queue.idle();
  }

  #deliver(records: Inflight<Raw>[]): Promise<void> {
    let settled = false;
    return this.#options.deliver({
      messages: records.map((record) => record.message),
      settle: async (settlement) => {
        if (settled) return;
        settled = true;
        await this.#settle(records, settlement);
      },
    });
  }

  async #settle(records: Inflight<Raw>[], settlement: Settlement): Promise<void> {
    if (settlement.kind === "ack") {
      this.#commit(records);
      return;
    }
    const { requeue, reject } = this.#redelivery.split(records, settlement, (record) => record.message.deliveryCount);
    this.#requeue(requeue);
    if (reject.length > 0) await this.#reject(reject);
  }

  async #reject(records: Inflight<Raw>[]): Promise<void> {
    const deadLetter = this.#options.deadLetter;
    if (deadLetter !== undefined) {
      try {
        await deadLetter(records);
      } catch (error) {
        // Never commit a record nobody has: it stays uncommitted and is handed over again.
        this.#options.onError("could not dead-letter rejected messages; they will be delivered again", error);
        // After a pause: a dead-letter topic that keeps failing must not turn into a hot loop.
        setTimeout(() => this.#requeue(records), DEAD_LETTER_RETRY_MS).unref();
        return;
      }
    }
    this.#commit(records);
  }

  #commit(records: readonly Inflight<Raw>[]): void {
    for (const record of records) {
      const last = this.#ledger.settle(record.partition, record);
      if (last !== undefined) this.#options.commit(last);
    }
  }

  #requeue(records: Inflight<Raw>[]): void {
    if (records.length === 0 || this.#stopped) return;
    for (const record of records) record.message = { ...record.message, deliveryCount: record.message.deliveryCount + 1 };
    // Back to the front, in order: a redelivered record keeps its place in its partition.
    this.#queue.requeue(records);
  }
}
