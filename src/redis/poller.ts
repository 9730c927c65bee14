import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import { DeliveryQueue, RedeliveryRule, type BatchOptions, type DeliveryHandler, type IncomingMessage, type Logger, type Settlement } from "../core/index.js";
import { closeConnection } from "./connection.js";
import type { RedisRawMessage } from "./message.js";

/** How long one blocking read waits before it looks again (stop and wake interrupt it at once). */
const BLOCK_MS = 1_000;

export interface PollerDeps {
  /** The transport's main connection: settlement commands, and `CLIENT UNBLOCK` for this poller's own. */
  readonly main: Redis;
  readonly open: (role: string) => Promise<Redis>;
  readonly logger: () => Logger;
}

export interface PollSpec {
  readonly name: string;
  readonly destination: string;
  readonly concurrency: number;
  readonly batch: BatchOptions | undefined;
  readonly maxDeliveries?: number | undefined;
}

type Message = IncomingMessage<RedisRawMessage>;

/**
 * A consumer that pulls with blocking reads (lists, streams) on a connection of its own, into core's delivery
 * queue. It reads only as many messages as the subscriber can take (free handlers, or one batch), so nothing
 * waits in memory unhandled; nacked ones are requeued or dead-lettered by core's redelivery rule.
 * Stopping interrupts the blocking read with `CLIENT UNBLOCK ... TIMEOUT`, which makes it return empty on the
 * server side: a message is never popped into a read whose reply nobody waits for.
 */
export abstract class Poller {
  protected conn!: Redis;
  #clientId = 0;
  #stopping = false;
  #blocked = false;
  readonly #queue: DeliveryQueue<Message>;
  #loop: Promise<void> = Promise.resolve();
  protected readonly redelivery: RedeliveryRule;

  constructor(
    protected readonly deps: PollerDeps,
    protected readonly spec: PollSpec,
    handler: DeliveryHandler<RedisRawMessage>,
  ) {
    this.redelivery = new RedeliveryRule(spec.maxDeliveries);
    this.#queue = new DeliveryQueue<Message>({
      concurrency: spec.concurrency,
      batch: spec.batch,
      deliver: (messages) => handler({ messages, settle: (settlement) => this.settle(messages, settlement) }),
      onError: (error) => this.deps.logger().error(`subscriber "${this.spec.name}" failed to take a delivery`, { error }),
    });
  }

  get stopping(): boolean {
    return this.#stopping;
  }

  async start(): Promise<void> {
    this.conn = await this.deps.open(`${this.kind()}:${this.spec.destination}`);
    this.#clientId = await this.conn.client("ID");
    try {
      await this.prepare();
    } catch (error) {
      await closeConnection(this.conn);
      throw error;
    }
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#queue.release();
    // Repeated, because the loop may be between two reads when the first one arrives.
    const timer = setInterval(() => void this.#unblock(), 25);
    await this.#unblock();
    await this.#loop;
    clearInterval(timer);
    await closeConnection(this.conn);
  }

  /** Cuts a blocking read short so the loop looks again (a nacked entry waits to be redelivered). */
  protected wake(): void {
    if (this.#blocked) void this.#unblock();
  }

  protected abstract kind(): string;
  protected abstract prepare(): Promise<void>;
  /** One read of at most `count` messages (one batch for batch subscribers), delivered through `deliver`. */
  protected abstract poll(count: number, blockMs: number): Promise<void>;
  /** Settles a delivery's messages with Redis. */
  protected abstract settle(messages: Message[], settlement: Settlement): Promise<void>;

  protected async blocking<T>(read: () => Promise<T>): Promise<T> {
    this.#blocked = true;
    try {
      return await read();
    } finally {
      this.#blocked = false;
    }
  }

  /** Tops a batch up until it is full or `maxWaitMs` after its first message, with non-blocking reads. */
  protected async fill<T>(items: T[], read: (count: number) => Promise<T[]>): Promise<T[]> {
    const batch = this.spec.batch;
    if (batch === undefined) return items;
    const deadline = performance.now() + batch.maxWaitMs;
    while (items.length < batch.maxSize && !this.#stopping) {
      const more = await read(batch.maxSize - items.length);
      items.push(...more);
      const left = deadline - performance.now();
      if (left <= 0) break;
      if (more.length === 0) await sleep(Math.min(5, left));
    }
    return items;
  }

  /** Hands what one read gathered to the handlers: one delivery per message, or one for the whole batch. */
  protected deliver(messages: Message[]): void {
    this.#queue.handOver(messages);
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#stopping) {
      await this.#queue.free();
      if (this.#stopping) break;
      const count = this.spec.batch?.maxSize ?? this.spec.concurrency - this.#queue.inFlight;
      try {
        await this.poll(count, BLOCK_MS);
        failures = 0;
      } catch (error) {
        if (this.#stopping) break;
        failures += 1;
        this.deps.logger().error(`subscriber "${this.spec.name}" could not read from Redis; retrying`, { error, destination: this.spec.destination });
        await sleep(Math.min(100 * 2 ** failures, 5_000));
      }
    }
  }

  async #unblock(): Promise<void> {
    await this.deps.main.client("UNBLOCK", this.#clientId, "TIMEOUT").catch(() => undefined);
  }
}
