import type { Redis } from "ioredis";
import type { Delivery, DropReporter, Settlement } from "../core/index.js";
import { toIncoming, type RedisRawMessage } from "./message.js";

/**
 * Hands pushed messages to one subscription, at most `concurrency` at a time, in arrival order. Pub/sub cannot
 * slow the server down: beyond `maxPending` waiting messages new ones are dropped (and counted), not queued.
 */
export class Dispatcher {
  #queue: RedisRawMessage[] = [];
  #inFlight = 0;
  #closed = false;
  #emptied: (() => void) | undefined;

  constructor(
    private readonly concurrency: number,
    private readonly deliver: (delivery: Delivery<RedisRawMessage>) => Promise<void>,
    private readonly settle: (settlement: Settlement) => void,
    private readonly drops: DropReporter,
  ) {}

  push(raw: RedisRawMessage): void {
    if (this.#closed) return;
    if (this.#queue.length >= this.drops.maxPending) {
      this.drops.drop();
      return;
    }
    this.#queue.push(raw);
    this.#pump();
  }

  /** Resolves once every message received so far has been handed to the handler. */
  handedOver(): Promise<void> {
    if (this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => (this.#emptied = resolve));
  }

  /** Drops what was not handed over yet (the broker is closing without waiting); returns how many. */
  close(): number {
    this.#closed = true;
    const dropped = this.#queue.length;
    this.#queue = [];
    this.#emptied?.();
    return dropped;
  }

  #pump(): void {
    while (this.#inFlight < this.concurrency && this.#queue.length > 0) {
      const raw = this.#queue.shift()!;
      if (this.#queue.length === 0) this.#emptied?.();
      this.#inFlight += 1;
      const settle = async (settlement: Settlement): Promise<void> => this.settle(settlement);
      void this.deliver({ messages: [toIncoming(raw)], settle })
        .catch(() => undefined)
        .finally(() => {
          this.#inFlight -= 1;
          this.#pump();
        });
    }
  }
}

interface Subscribed {
  readonly dispatchers: Set<Dispatcher>;
  readonly confirmed: Promise<unknown>;
}

/**
 * The channel and pattern subscriptions of one transport, on one subscriber-mode connection. Redis sends a
 * message once per connection, so local subscribers of the same channel share one `SUBSCRIBE`.
 */
export class ChannelSubscriptions {
  readonly #channels = new Map<string, Subscribed>();
  readonly #patterns = new Map<string, Subscribed>();
  #client: Promise<Redis> | undefined;

  constructor(private readonly open: () => Promise<Redis>) {}

  async add(destination: string, pattern: boolean, dispatcher: Dispatcher): Promise<() => Promise<void>> {
    const client = await this.#connection();
    const map = pattern ? this.#patterns : this.#channels;
    let entry = map.get(destination);
    if (entry === undefined) {
      // Resolves once the server confirmed: messages published from then on reach this subscription.
      entry = { dispatchers: new Set(), confirmed: pattern ? client.psubscribe(destination) : client.subscribe(destination) };
      map.set(destination, entry);
    }
    const subscribed = entry;
    subscribed.dispatchers.add(dispatcher);
    await subscribed.confirmed;
    return async () => {
      subscribed.dispatchers.delete(dispatcher);
      if (subscribed.dispatchers.size === 0 && map.get(destination) === subscribed) {
        map.delete(destination);
        // Not awaited: this subscription gets nothing more either way (its dispatcher is out of the map).
        void (pattern ? client.punsubscribe(destination) : client.unsubscribe(destination)).catch(() => undefined);
      }
    };
  }

  async close(): Promise<Redis | undefined> {
    const client = await this.#client?.catch(() => undefined);
    this.#client = undefined;
    this.#channels.clear();
    this.#patterns.clear();
    return client;
  }

  #connection(): Promise<Redis> {
    this.#client ??= this.open().then((client) => {
      client.on("messageBuffer", (channel: Buffer, data: Buffer) => {
        const name = channel.toString();
        const raw: RedisRawMessage = { type: "message", channel: name, pattern: undefined, data, entryId: undefined, group: undefined };
        for (const dispatcher of this.#channels.get(name)?.dispatchers ?? []) dispatcher.push(raw);
      });
      client.on("pmessageBuffer", (pattern: string | Buffer, channel: Buffer, data: Buffer) => {
        const glob = pattern.toString();
        const raw: RedisRawMessage = { type: "pmessage", channel: channel.toString(), pattern: glob, data, entryId: undefined, group: undefined };
        for (const dispatcher of this.#patterns.get(glob)?.dispatchers ?? []) dispatcher.push(raw);
      });
      return client;
    });
    this.#client.catch(() => {
      this.#client = undefined;
    });
    return this.#client;
  }
}
