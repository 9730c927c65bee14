import type { DeliveryQueue } from "../core/index.js";
import type { QueuedMessage } from "./envelope.js";

/**
 * The buffered messages of one consumer group on one destination: what the server of a real broker holds.
 * The group's members (competing consumers, in turn) each take messages through their own delivery queue
 * whenever it has a free handler; a requeued message goes back to the front, keeping its place in the order.
 * Bounded: publishers wait while it is full (backpressure).
 */
export class GroupQueue {
  #buffer: QueuedMessage[] = [];
  #head = 0;
  readonly #members: DeliveryQueue<QueuedMessage>[] = [];
  #next = 0;
  #scheduled = false;
  #spaceWaiters: (() => void)[] = [];

  constructor(readonly capacity: number) {}

  /** Messages not yet handed to a handler: buffered here, or held by a member filling a batch. */
  get size(): number {
    let size = this.#buffer.length - this.#head;
    for (const member of this.#members) size += member.queued;
    return size;
  }

  get memberCount(): number {
    return this.#members.length;
  }

  join(member: DeliveryQueue<QueuedMessage>): void {
    this.#members.push(member);
    this.schedule();
  }

  /** The member goes; what it held and had not handed over yet (a filling batch) goes back to the front. */
  leave(member: DeliveryQueue<QueuedMessage>): void {
    const index = this.#members.indexOf(member);
    if (index >= 0) this.#members.splice(index, 1);
    member.close();
    const held = member.takeQueued();
    if (held.length > 0) this.#unshift(held);
  }

  /** Buffers the message; only while the buffer is full does it return a promise to wait on (backpressure). */
  push(message: QueuedMessage): Promise<void> | undefined {
    if (this.size < this.capacity) {
      this.#buffer.push(message);
      this.schedule();
      return undefined;
    }
    return this.#pushWhenRoom(message);
  }

  async #pushWhenRoom(message: QueuedMessage): Promise<void> {
    while (this.size >= this.capacity) {
      await new Promise<void>((resolve) => this.#spaceWaiters.push(resolve));
    }
    this.#buffer.push(message);
    this.schedule();
  }

  /** A nack with requeue: the message is delivered again, before anything published after it. */
  requeue(message: QueuedMessage): void {
    message.deliveryCount += 1;
    this.#unshift([message]);
  }

  #unshift(messages: readonly QueuedMessage[]): void {
    if (messages.length === 1 && this.#head > 0) this.#buffer[--this.#head] = messages[0]!;
    else {
      this.#buffer = [...messages, ...this.#buffer.slice(this.#head)];
      this.#head = 0;
    }
    this.schedule();
  }

  /** Hands out what is buffered on the next microtask (a member's handler freed up, or a message arrived). */
  readonly schedule = (): void => {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // (Core runs each handler in the root async context, whoever published.)
    queueMicrotask(this.#pump);
  };

  readonly #pump = (): void => {
    this.#scheduled = false;
    const count = this.#members.length;
    while (this.#buffer.length > this.#head) {
      const index = this.#pick(count);
      if (index < 0) break;
      const member = this.#members[index]!;
      member.push(this.#buffer[this.#head++]!);
      // A member filling a batch keeps its turn; one that started a delivery passes it on (round robin).
      if (member.queued === 0) this.#next = (index + 1) % count;
    }
    this.#compact();
  };

  /** The next member, in turn, with a free handler; -1 when all are busy. */
  #pick(count: number): number {
    for (let offset = 0; offset < count; offset += 1) {
      const index = (this.#next + offset) % count;
      if (this.#members[index]!.hasSlot) return index;
    }
    return -1;
  }

  #compact(): void {
    if (this.#head > 0 && this.#head === this.#buffer.length) {
      this.#buffer = [];
      this.#head = 0;
    } else if (this.#head > 1024) {
      this.#buffer = this.#buffer.slice(this.#head);
      this.#head = 0;
    }
    while (this.#spaceWaiters.length > 0 && this.size < this.capacity) this.#spaceWaiters.shift()!();
  }
}
