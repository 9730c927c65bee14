import type { BatchOptions, Delivery, IncomingMessage, Settlement } from "../../core/index.js";
import { OffsetLedger } from "./offsets.js";

/** One record on its way through a subscription: where it sits in its partition and how often it was delivered. */
export interface Inflight<Raw> {
  readonly partition: string;
  message: IncomingMessage<Raw>;
}

export interface DispatcherOptions<Raw> {
  readonly concurrency: number;
  readonly batch: BatchOptions | undefined;
  /** Records buffered here before the source is paused (backpressure). */
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
 * Between a Kafka consumer and core: buffers records, hands them over one by one or in batches within the
 * subscriber's concurrency, and turns settlements into commits. Kafka has no per-message ack: an ack or a reject
 * lets the partition's committed offset move past the record (once every earlier record is settled too); a nack
 * with requeue hands the same record to the handler again before anything after it is committed, which is what
 * seeking back to its offset would fetch (at-least-once: after a crash or rebalance Kafka delivers it again).
 */
export class Dispatcher<Raw> {
  readonly #options: DispatcherOptions<Raw>;
  readonly #ledger = new OffsetLedger<Inflight<Raw>>();
  #queue: Inflight<Raw>[] = [];
  #inFlight = 0;
  #paused = false;
  #stopped = false;
  #batchTimer: NodeJS.Timeout | undefined;
  #idle: (() => void)[] = [];

  constructor(options: DispatcherOptions<Raw>) {
    this.#options = options;
  }

  push(message: IncomingMessage<Raw>, partition: string): void {
    if (this.#stopped) return;
    const record: Inflight<Raw> = { partition, message };
    this.#ledger.add(partition, record);
    this.#queue.push(record);
    if (!this.#paused && this.#queue.length >= this.#options.maxBuffered) {
      this.#paused = true;
      this.#options.pause();
    }
    this.#pump();
  }

  /**
   * After a rebalance: records of partitions this member no longer owns are dropped before they reach a handler
   * (uncommitted, so their new owner reads them), and their commit positions are forgotten.
   */
  retain(owned: (partition: string) => boolean): void {
    // Partitions whose records are all in handlers count too: committing their offsets after the rebalance could
    // move the new owner's position backwards.
    const tracked = [...this.#queue.map((record) => record.partition), ...this.#ledger.partitions()];
    const revoked = new Set(tracked.filter((partition) => !owned(partition)));
    if (revoked.size === 0) return;
    this.#queue = this.#queue.filter((record) => !revoked.has(record.partition));
    for (const partition of revoked) this.#ledger.forget(partition);
  }

  /** Stops handing records over and drops the buffered ones (uncommitted: the group's next consumer gets them). */
  stop(): Promise<void> {
    this.#stopped = true;
    this.#queue = [];
    clearTimeout(this.#batchTimer);
    this.#batchTimer = undefined;
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    const { batch, concurrency } = this.#options;
    while (!this.#stopped && this.#queue.length > 0 && this.#inFlight < concurrency) {
      if (batch !== undefined && this.#queue.length < batch.maxSize) {
        this.#batchTimer ??= setTimeout(() => {
          this.#batchTimer = undefined;
          if (this.#inFlight < concurrency) this.#dispatch(this.#queue.splice(0, batch.maxSize));
        }, batch.maxWaitMs);
        break;
      }
      this.#dispatch(this.#queue.splice(0, batch?.maxSize ?? 1));
    }
    if (this.#paused && this.#queue.length <= this.#options.maxBuffered / 2) {
      this.#paused = false;
      this.#options.resume();
    }
  }

  #dispatch(records: Inflight<Raw>[]): void {
    if (records.length === 0 || this.#stopped) return;
    clearTimeout(this.#batchTimer);
    this.#batchTimer = undefined;
    this.#inFlight += 1;
    let settled = false;
    const delivery: Delivery<Raw> = {
      messages: records.map((record) => record.message),
      settle: async (settlement) => {
        if (settled) return;
        settled = true;
        await this.#settle(records, settlement);
      },
    };
    const done = (): void => {
      this.#inFlight -= 1;
      if (this.#inFlight === 0 && this.#stopped) for (const resolve of this.#idle.splice(0)) resolve();
      this.#pump();
    };
    this.#options.deliver(delivery).then(done, (error: unknown) => {
      this.#options.onError("a delivery failed outside the handler", error);
      done();
    });
  }

  async #settle(records: Inflight<Raw>[], settlement: Settlement): Promise<void> {
    if (settlement.kind === "nack" && settlement.requeue) {
      const limit = this.#options.maxDeliveries;
      const again = records.filter((record) => limit === undefined || record.message.deliveryCount < limit);
      const exhausted = records.filter((record) => !again.includes(record));
      this.#requeue(again);
      if (exhausted.length > 0) await this.#reject(exhausted);
      return;
    }
    if (settlement.kind === "ack") this.#commit(records);
    else await this.#reject(records);
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
    this.#queue.unshift(...records);
    queueMicrotask(() => this.#pump());
  }
}
