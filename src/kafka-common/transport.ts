// The parts of a Kafka transport that do not touch the client: what it can do, how publish options become
// record fields, and the bookkeeping of subscriptions, inbox topics and topic creation. Both adapters'
// transports hold one of each and keep only the calls into their own client.
import { randomUUID } from "node:crypto";
import type { TransportCapabilities, TransportSubscription } from "../core/index.js";

export const KAFKA_CAPABILITIES: TransportCapabilities = {
  // Replies go to a private inbox topic of the requesting client, consumed by that client alone.
  requestReply: "inbox",
  batchPublish: true,
  batchConsume: true,
  consumerGroups: true,
  // A nacked record is handed over again before its partition's offset moves past it (see deliveries.ts).
  redelivery: true,
};

/** The bytes as a Buffer, without a copy where they are one already (both clients send Buffers). */
export const bytes = (data: Uint8Array): Buffer => (Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));

/** A record key as bytes: a string is sent as UTF-8. */
export const keyBytes = (key: string | Uint8Array | undefined): Buffer | undefined => (key === undefined ? undefined : typeof key === "string" ? Buffer.from(key) : bytes(key));

/** A publish timestamp as epoch milliseconds; each client wants its own type of it (bigint, string). */
export const epochMs = (timestamp: Date | number | undefined): number | undefined => (timestamp === undefined ? undefined : timestamp instanceof Date ? timestamp.getTime() : timestamp);

/** What the transport needs of a subscription to start, stop and wait for it. */
export interface ManagedSubscription {
  start(): Promise<void>;
  stop(): Promise<void>;
  close(): Promise<void>;
  readonly positioned: boolean;
}

/** The subscriptions of one transport and the inbox topics it named for request/reply. */
export class Subscriptions<S extends ManagedSubscription> {
  readonly #all = new Set<S>();
  readonly #inboxes = new Set<string>();

  /** A subscription to one of our inboxes reads it from the start (it was created just before its request). */
  isInbox(topic: string): boolean {
    return this.#inboxes.has(topic);
  }

  createInboxName(clientId: string): string {
    const name = `${clientId}.inbox.${randomUUID()}`;
    this.#inboxes.add(name);
    return name;
  }

  forgetInbox(topic: string): void {
    this.#inboxes.delete(topic);
  }

  /** Starts the subscription; one that fails to start is closed and forgotten, and the error propagates. */
  async start(subscription: S): Promise<TransportSubscription> {
    this.#all.add(subscription);
    try {
      await subscription.start();
    } catch (error) {
      this.#all.delete(subscription);
      await subscription.close();
      throw error;
    }
    return {
      stop: async () => {
        await subscription.stop();
        this.#all.delete(subscription);
      },
    };
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.#all].map((subscription) => subscription.close()));
    this.#all.clear();
  }

  /** Resolves once every subscription is positioned; `timedOut` makes the adapter's error after `timeoutMs`. */
  async positioned(timeoutMs: number, timedOut: () => Error): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (![...this.#all].every((subscription) => subscription.positioned)) {
      if (Date.now() > deadline) throw timedOut();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** Creates each topic once per transport (concurrent callers share the attempt); a failed attempt may be retried. */
export class TopicCreations {
  readonly #topics = new Map<string, Promise<void>>();
  readonly #create: (topic: string) => Promise<void>;

  constructor(create: (topic: string) => Promise<void>) {
    this.#create = create;
  }

  ensure(topics: readonly string[]): Promise<void> {
    return Promise.all(
      topics.map((topic) => {
        let created = this.#topics.get(topic);
        if (created === undefined) {
          created = this.#create(topic);
          this.#topics.set(topic, created);
          created.catch(() => this.#topics.delete(topic));
        }
        return created;
      }),
    ).then(() => undefined);
  }
}
