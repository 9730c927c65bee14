import type { BatchOptions } from "../core/index.js";

/**
 * Hands received messages to the handler in arrival order, at most `concurrency` deliveries at once, grouped
 * into batches of up to `maxSize` (waiting at most `maxWaitMs` for one to fill) for batch subscribers.
 * NATS pushes messages at the client; this is where they wait for a free handler.
 */
export class Dispatcher<T> {
  #queue: T[] = [];
  #head = 0;
  #inFlight = 0;
  #timer: NodeJS.Timeout | undefined;
  /** The oldest queued message has waited `maxWaitMs`: a partial batch may go. */
  #due = false;
  #draining = false;
  #waiters: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly batch: BatchOptions | undefined,
    private readonly deliver: (items: T[]) => Promise<void>,
  ) {}

  get queued(): number {
    return this.#queue.length - this.#head;
  }

  push(item: T): void {
    this.#queue.push(item);
    this.#pump();
  }

  /** Resolves once less than one delivery's worth is queued: a pull loop waits here, so the server keeps the rest. */
  async room(): Promise<void> {
    while (!this.#draining && this.queued >= (this.batch?.maxSize ?? 1)) await this.#changed();
  }

  /** Lets a waiting pull loop go on, e.g. to stop. */
  release(): void {
    this.#draining = true;
    this.#wake();
  }

  /** Takes back what is queued and not yet handed over (JetStream naks it, so the server redelivers it at once). */
  takeQueued(): T[] {
    const rest = this.#queue.slice(this.#head);
    this.#queue = [];
    this.#head = 0;
    this.#wake();
    return rest;
  }

  /** Hands over what is queued without waiting for batches to fill; resolves once every delivery has ended. */
  async drain(): Promise<void> {
    this.#draining = true;
    this.#pump();
    while (this.#inFlight > 0 || this.queued > 0) await this.#changed();
    clearTimeout(this.#timer);
  }

  #pump(): void {
    const size = this.batch?.maxSize ?? 1;
    while (this.#inFlight < this.concurrency && this.queued > 0) {
      if (this.batch !== undefined && this.queued < size && !this.#due && !this.#draining) {
        this.#timer ??= setTimeout(this.#onDue, this.batch.maxWaitMs);
        return;
      }
      const end = Math.min(this.#head + size, this.#queue.length);
      const items = this.#queue.slice(this.#head, end);
      this.#head = end;
      if (this.#head === this.#queue.length) {
        this.#queue = [];
        this.#head = 0;
      } else if (this.#head > 1024) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
      // The next batch waits its own maxWaitMs from now.
      this.#due = false;
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#inFlight += 1;
      this.#run(items);
    }
    this.#wake();
  }

  readonly #onDue = (): void => {
    this.#timer = undefined;
    this.#due = true;
    this.#pump();
  };

  readonly #run = (items: T[]): void => {
    void this.deliver(items)
      .catch(() => undefined)
      .finally(() => {
        this.#inFlight -= 1;
        this.#pump();
        this.#wake();
      });
  };

  #changed(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #wake(): void {
    if (this.#waiters.length === 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
