import { randomUUID } from "node:crypto";
import type { DeliveryQueue, Headers } from "../core/index.js";
import type { MemoryEnvelope, QueuedMessage } from "./envelope.js";
import { GroupQueue } from "./group-queue.js";

export interface MemoryHubOptions {
  /** Messages a group may buffer before publishers wait (default 1 000: deep backlogs only cost memory and GC). */
  readonly bufferSize?: number;
}

export interface JoinOptions {
  /** Subscribers sharing a group split the messages; without one, each subscriber gets every message. */
  readonly group: string | undefined;
  /** Where rejected messages go (published there with the reason in headers); dropped when absent. */
  readonly deadLetter: string | undefined;
  /** Told about a rejected message that has no dead-letter destination (the subscriber's broker logs it). */
  readonly onDrop: (envelope: MemoryEnvelope) => void;
}

/** A member's place in its group: what the server does with the messages it settles, and leaving. */
export interface Membership {
  /** Back to the front of the group's buffer, one delivery more. */
  requeue(message: QueuedMessage): void;
  /** To the dead-letter destination, or dropped (and reported) without one. */
  reject(message: QueuedMessage): void;
  /** A handler of the member freed up: hand out what waits. */
  readonly pull: () => void;
  leave(): void;
}

/**
 * The in-process message server. Destinations fan out to every group; a group's members compete. Brokers
 * that share a hub talk to each other, as services on one real broker would. Nothing leaves the process.
 */
export class MemoryHub {
  readonly #destinations = new Map<string, Map<string, GroupQueue>>();
  readonly #capacity: number;
  #sequence = 0;

  constructor(options: MemoryHubOptions = {}) {
    this.#capacity = options.bufferSize ?? 1_000;
  }

  /** Whether anyone subscribes to the destination (requests to nobody fail fast). */
  hasSubscribers(destination: string): boolean {
    const groups = this.#destinations.get(destination);
    if (groups === undefined) return false;
    for (const queue of groups.values()) if (queue.memberCount > 0) return true;
    return false;
  }

  /** Messages buffered and not yet handed to a subscriber, over every destination. */
  get buffered(): number {
    let total = 0;
    for (const groups of this.#destinations.values()) for (const queue of groups.values()) total += queue.size;
    return total;
  }

  /**
   * Buffers the message for every group of the destination. Returns a promise only when a group's buffer is
   * full and the publisher must wait (backpressure); the common case allocates no promise at all.
   */
  publish(message: Omit<MemoryEnvelope, "sequence" | "timestamp">): Promise<void> | undefined {
    const groups = this.#destinations.get(message.destination);
    if (groups === undefined || groups.size === 0) return undefined;
    const envelope: MemoryEnvelope = {
      destination: message.destination,
      body: message.body,
      headers: message.headers,
      contentType: message.contentType,
      correlationId: message.correlationId,
      messageId: message.messageId,
      replyTo: message.replyTo,
      timestamp: Date.now(),
      sequence: ++this.#sequence,
    };
    let waits: Promise<void>[] | undefined;
    for (const queue of groups.values()) {
      const wait = queue.push({ envelope, deliveryCount: 1 });
      if (wait !== undefined) (waits ??= []).push(wait);
    }
    return waits === undefined ? undefined : Promise.all(waits).then(() => undefined);
  }

  join(destination: string, member: DeliveryQueue<QueuedMessage>, options: JoinOptions): Membership {
    let groups = this.#destinations.get(destination);
    if (groups === undefined) {
      groups = new Map();
      this.#destinations.set(destination, groups);
    }
    const key = options.group === undefined ? `anonymous:${randomUUID()}` : `group:${options.group}`;
    let queue = groups.get(key);
    if (queue === undefined) {
      queue = new GroupQueue(this.#capacity);
      groups.set(key, queue);
    }
    const joined = queue;
    joined.join(member);
    return {
      requeue: (message) => joined.requeue(message),
      reject: (message) => this.#reject(message, options),
      pull: joined.schedule,
      leave: () => {
        joined.leave(member);
        // A named group keeps its buffer for the next member, as a durable queue would; an anonymous one goes.
        if (options.group === undefined) groups.delete(key);
      },
    };
  }

  #reject(message: QueuedMessage, options: JoinOptions): void {
    const { envelope } = message;
    if (options.deadLetter === undefined) {
      options.onDrop(envelope);
      return;
    }
    const headers: Headers = {
      ...envelope.headers,
      "x-postline-dead-letter-from": envelope.destination,
      "x-postline-delivery-count": String(message.deliveryCount),
    };
    void this.publish({ ...envelope, destination: options.deadLetter, headers });
  }
}
