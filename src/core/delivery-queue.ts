import type { DropReporter } from "./slow-consumer.js";
import type { BatchOptions } from "./transport.js";

/** A paced source (Kafka partitions, a pull loop) told to stop and go on as the queue fills and empties. */
export interface Backpressure {
  /** Items waiting at which the source is paused; it resumes once half of that is left. */
  readonly highWater: number;
  pause(): void;
  resume(): void;
}

export interface DeliveryQueueOptions<T> {
  /** Deliveries in the handler at once. */
  readonly concurrency: number;
  /** Batch subscribers: up to `maxSize` items per delivery, a partial one after `maxWaitMs`. */
  readonly batch?: BatchOptions | undefined;
  /** Hands one delivery's worth of items to core's handler; how they settle is the adapter's. */
  readonly deliver: (items: T[]) => Promise<void>;
  /** At-most-once sources: beyond `drops.maxPending` waiting items new ones are dropped and counted. */
  readonly drops?: DropReporter | undefined;
  /** Paced sources: paused while the queue is full. */
  readonly backpressure?: Backpressure | undefined;
  /** After each delivery ends: a pull-based source may fetch more (a free handler). */
  readonly onSlot?: (() => void) | undefined;
  /** The ordering key of an item (a Kafka partition): what `retain` filters on. */
  readonly keyOf?: ((item: T) => string) | undefined;
  /** A delivery rejected outside core's handler (a bug: core settles and logs its own failures). */
  readonly onError?: ((error: unknown) => void) | undefined;
}

const ignore = (): void => undefined;

/**
 * The one queue between a client's callback and the handlers: items wait here in arrival order and go out at
 * most `concurrency` deliveries at a time, one item each or batches. Bounded one of two ways: at-most-once
 * sources drop beyond `maxPending` (the server cannot be slowed down), paced ones are paused. Items of one
 * ordering key (a Kafka partition) are handed over in order, and a requeued item goes back to the front, before
 * later items of its key; with `concurrency` above 1 they may still overlap in the handlers, as the subscriber
 * asked. Closing lets nothing new start; `drain` hands over what waits and resolves once every delivery ended.
 *
 * Hot path (the in-process broker moves ~250k msg/s through it): per delivery, its item array and one `then`;
 * no closure or waiter; an item that finds an idle handler and nothing waiting skips the buffer.
 */
export class DeliveryQueue<T> {
  readonly #options: DeliveryQueueOptions<T>;
  readonly #size: number;
  #items: T[] = [];
  #head = 0;
  #inFlight = 0;
  #timer: NodeJS.Timeout | undefined;
  /** The oldest waiting item has waited `maxWaitMs`: a partial batch may go. */
  #due = false;
  /** Closed: no new items; draining: partial batches go at once. */
  #closed = false;
  #draining = false;
  #released = false;
  #paused = false;
  #waiters: (() => void)[] = [];

  constructor(options: DeliveryQueueOptions<T>) {
    this.#options = options;
    this.#size = options.batch?.maxSize ?? 1;
  }

  /** Items waiting for a handler. */
  get queued(): number {
    return this.#items.length - this.#head;
  }

  /** Deliveries handed over and not yet ended. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Whether another delivery could start now. */
  get hasSlot(): boolean {
    return this.#inFlight < this.#options.concurrency && !this.#closed;
  }

  /** Queues an item; false when it was not taken (closed, or dropped beyond `maxPending`). */
  push(item: T): boolean {
    if (this.#closed) return false;
    const drops = this.#options.drops;
    if (drops !== undefined && this.queued >= drops.maxPending) {
      drops.drop();
      return false;
    }
    // The common case: nothing waits and a handler is free.
    if (this.#size === 1 && this.#head === this.#items.length && this.#inFlight < this.#options.concurrency) {
      this.#start([item]);
      return true;
    }
    this.#items.push(item);
    const backpressure = this.#options.backpressure;
    if (backpressure !== undefined && !this.#paused && this.queued >= backpressure.highWater) {
      this.#paused = true;
      backpressure.pause();
    }
    this.#pump();
    return true;
  }

  /** Queues what a pull already gathered (at most one batch) and hands it over now, without waiting for more. */
  handOver(items: readonly T[]): void {
    if (this.#closed) return;
    for (const item of items) this.#items.push(item);
    this.#due = true;
    this.#pump();
  }

  /** Puts items back at the front, in order (a nack with requeue); handed over again after this tick. */
  requeue(items: readonly T[]): void {
    if (items.length === 0 || this.#closed) return;
    if (items.length === 1 && this.#head > 0) this.#items[--this.#head] = items[0]!;
    else {
      this.#items = [...items, ...this.#items.slice(this.#head)];
      this.#head = 0;
    }
    queueMicrotask(this.#pump);
  }

  /** Drops waiting items whose key `keep` refuses (a Kafka partition that moved to another member). */
  retain(keep: (key: string) => boolean): void {
    const keyOf = this.#options.keyOf;
    if (keyOf === undefined) return;
    this.#items = this.#items.slice(this.#head).filter((item) => keep(keyOf(item)));
    this.#head = 0;
    this.#pump();
  }

  /** Takes back what waits and was not handed over (to return it to the broker, or to forget it). */
  takeQueued(): T[] {
    const rest = this.#items.slice(this.#head);
    this.#items = [];
    this.#head = 0;
    this.#clearTimer();
    this.#wake();
    return rest;
  }

  /** Accepts no more items or requeues; what waits still goes out unless taken back. */
  close(): void {
    this.#closed = true;
  }

  /** The source is stopping: every `room`/`free` wait goes on, for good, and partial batches no longer wait to fill. */
  release(): void {
    this.#released = true;
    this.#draining = true;
    this.#wake();
  }

  /** Resolves once less than one delivery's worth waits: a pull loop waits here, so the server keeps the rest. */
  room(): Promise<void> {
    return this.#until(() => this.#released || this.queued < this.#size);
  }

  /** Resolves once a handler is free and nothing waits: a pull loop reads then as much as can start. */
  free(): Promise<void> {
    return this.#until(() => this.#released || (this.#inFlight < this.#options.concurrency && this.queued === 0));
  }

  /** Resolves once every waiting item has been handed over (partial batches go at once). */
  handedOver(): Promise<void> {
    this.#draining = true;
    this.#pump();
    return this.#until(() => this.queued === 0);
  }

  /** Resolves once no delivery is in the handler. */
  idle(): Promise<void> {
    return this.#until(() => this.#inFlight === 0);
  }

  /** Closes, hands over what waits and resolves once every delivery has ended. */
  async drain(): Promise<void> {
    this.#closed = true;
    this.#draining = true;
    this.#pump();
    await this.#until(() => this.#inFlight === 0 && this.queued === 0);
    this.#clearTimer();
  }

  readonly #pump = (): void => {
    const { concurrency, batch } = this.#options;
    while (this.#inFlight < concurrency && this.queued > 0) {
      if (batch !== undefined && this.queued < this.#size && !this.#due && !this.#draining) {
        this.#timer ??= setTimeout(this.#onDue, batch.maxWaitMs);
        break;
      }
      const end = Math.min(this.#head + this.#size, this.#items.length);
      const items = this.#size === 1 ? [this.#items[this.#head]!] : this.#items.slice(this.#head, end);
      this.#head = end;
      this.#compact();
      // The next batch waits its own maxWaitMs from now.
      this.#due = false;
      this.#clearTimer();
      this.#start(items);
    }
    const backpressure = this.#options.backpressure;
    if (this.#paused && this.queued <= backpressure!.highWater / 2) {
      this.#paused = false;
      backpressure!.resume();
    }
    this.#wake();
  };

  #compact(): void {
    if (this.#head === this.#items.length) {
      this.#items.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }

  #start(items: T[]): void {
    this.#inFlight += 1;
    this.#options.deliver(items).then(this.#ended, this.#failed);
  }

  readonly #ended = (): void => {
    this.#inFlight -= 1;
    if (this.queued > 0) this.#pump();
    else this.#wake();
    this.#options.onSlot?.();
  };

  readonly #failed = (error: unknown): void => {
    (this.#options.onError ?? ignore)(error);
    this.#ended();
  };

  readonly #onDue = (): void => {
    this.#timer = undefined;
    this.#due = true;
    this.#pump();
  };

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #until(ready: () => boolean): Promise<void> {
    while (!ready()) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  #wake(): void {
    if (this.#waiters.length === 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
