import type { Redis } from "ioredis";
import type { DeliveryQueue } from "../core/index.js";
import type { RedisRawMessage } from "./message.js";

/** One channel subscriber: core's queue, bounded by `maxPending` (pub/sub cannot slow the server down). */
export type ChannelMember = DeliveryQueue<RedisRawMessage>;

interface Subscribed {
  readonly members: Set<ChannelMember>;
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

  async add(destination: string, pattern: boolean, member: ChannelMember): Promise<() => Promise<void>> {
    const client = await this.#connection();
    const map = pattern ? this.#patterns : this.#channels;
    let entry = map.get(destination);
    if (entry === undefined) {
      // Resolves once the server confirmed: messages published from then on reach this subscription.
      entry = { members: new Set(), confirmed: pattern ? client.psubscribe(destination) : client.subscribe(destination) };
      map.set(destination, entry);
    }
    const subscribed = entry;
    subscribed.members.add(member);
    await subscribed.confirmed;
    return async () => {
      subscribed.members.delete(member);
      if (subscribed.members.size === 0 && map.get(destination) === subscribed) {
        map.delete(destination);
        // Not awaited: this subscription gets nothing more either way (its member is out of the map).
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
        for (const member of this.#channels.get(name)?.members ?? []) member.push(raw);
      });
      client.on("pmessageBuffer", (pattern: string | Buffer, channel: Buffer, data: Buffer) => {
        const glob = pattern.toString();
        const raw: RedisRawMessage = { type: "pmessage", channel: channel.toString(), pattern: glob, data, entryId: undefined, group: undefined };
        for (const member of this.#patterns.get(glob)?.members ?? []) member.push(raw);
      });
      return client;
    });
    this.#client.catch(() => {
      this.#client = undefined;
    });
    return this.#client;
  }
}
