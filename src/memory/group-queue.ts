import type { Settlement } from "../core/index.js";
import type { QueuedMessage } from "./envelope.js";

/** A consumer of a group: takes one message (or a batch) at a time, up to `concurrency` at once. */
export interface GroupMember {
  readonly concurrency: number;
  readonly batch: { readonly maxSize: number; readonly maxWaitMs: number } | undefined;
  deliver(messages: QueuedMessage[], settle: (settlement: Settlement) => void): Promise<void>;
  inFlight: number;
}


/**
 * The buffered messages of one consumer group on one destination, shared by the group's members
 * (competing consumers, round robin). Bounded: publishers wait while it is full (backpressure).
 */
export class GroupQueue {
  #buffer: QueuedMessage[] = [];
  #head = 0;
  readonly #members: GroupMember[] = [];
  #next = 0;
  #scheduled = false;
  #batchTimer: NodeJS.Timeout | undefined;
  #spaceWaiters: (() => void)[] = [];

  constructor(
    readonly capacity: number,
    private readonly maxDeliveries: number | undefined,
    private readonly onReject: (message: QueuedMessage) => void,
  ) {}

  get size(): number {
    return this.#buffer.length - this.#head;
  }

  get memberCount(): number {
    return this.#members.length;
  }

  join(member: GroupMember): void {
    this.#members.push(member);
    this.#schedule();
  }

  leave(member: GroupMember): void {
    const index = this.#members.indexOf(member);
    if (index >= 0) this.#members.splice(index, 1);
    if (this.#batchTimer !== undefined && !this.#members.some((candidate) => candidate.batch !== undefined)) {
      clearTimeout(this.#batchTimer);
      this.#batchTimer = undefined;
    }
  }

  /** Buffers the message; only while the buffer is full does it return a promise to wait on (backpressure). */
  push(message: QueuedMessage): Promise<void> | undefined {
    if (this.size < this.capacity) {
      this.#buffer.push(message);
      this.#schedule();
      return undefined;
    }
    return this.#pushWhenRoom(message);
  }

  async #pushWhenRoom(message: QueuedMessage): Promise<void> {
    while (this.size >= this.capacity) {
      await new Promise<void>((resolve) => this.#spaceWaiters.push(resolve));
    }
    this.#buffer.push(message);
    this.#schedule();
  }

  #requeue(message: QueuedMessage): void {
    message.deliveryCount += 1;
    // Back to the front: a redelivered message keeps its place in the order.
    if (this.#head > 0) this.#buffer[--this.#head] = message;
    else this.#buffer.unshift(message);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // (Core runs each handler in the root async context, whoever published.)
    queueMicrotask(this.#pump);
  }

  readonly #pump = (): void => {
    this.#scheduled = false;
    while (this.size > 0) {
      const member = this.#pickMember();
      if (member === undefined) break;
      if (member.batch !== undefined && this.size < member.batch.maxSize) {
        this.#batchTimer ??= setTimeout(() => {
          this.#batchTimer = undefined;
          // The member may have left while its partial batch waited.
          if (!this.#members.includes(member)) return;
          this.#dispatch(member, this.#take(member.batch!.maxSize));
          this.#compact();
        }, member.batch.maxWaitMs);
        break;
      }
      this.#dispatch(member, this.#take(member.batch?.maxSize ?? 1));
    }
    this.#compact();
  };

  #pickMember(): GroupMember | undefined {
    const count = this.#members.length;
    for (let offset = 0; offset < count; offset += 1) {
      const member = this.#members[(this.#next + offset) % count]!;
      if (member.inFlight < member.concurrency) {
        this.#next = (this.#next + offset + 1) % count;
        return member;
      }
    }
    return undefined;
  }

  #take(count: number): QueuedMessage[] {
    const end = Math.min(this.#head + count, this.#buffer.length);
    const taken = this.#buffer.slice(this.#head, end);
    this.#head = end;
    return taken;
  }

  #compact(): void {
    if (this.#head === 0) return;
    if (this.#head === this.#buffer.length) {
      this.#buffer = [];
      this.#head = 0;
    } else if (this.#head > 1024) {
      this.#buffer = this.#buffer.slice(this.#head);
      this.#head = 0;
    }
    while (this.#spaceWaiters.length > 0 && this.size < this.capacity) this.#spaceWaiters.shift()!();
  }

  #dispatch(member: GroupMember, messages: QueuedMessage[]): void {
    if (messages.length === 0) return;
    if (this.#batchTimer !== undefined) {
      clearTimeout(this.#batchTimer);
      this.#batchTimer = undefined;
    }
    member.inFlight += 1;
    let settled = false;
    const settle = (settlement: Settlement): void => {
      if (settled) return;
      settled = true;
      if (settlement.kind === "ack") return;
      for (const message of messages) {
        const requeue = settlement.kind === "nack" && settlement.requeue && (this.maxDeliveries === undefined || message.deliveryCount < this.maxDeliveries);
        if (requeue) this.#requeue(message);
        else this.onReject(message);
      }
    };
    // Core's handler settles and logs its own failures; a rejection here would be a bug, never unhandled.
    void member
      .deliver(messages, settle)
      .catch(() => undefined)
      .finally(() => {
        member.inFlight -= 1;
        this.#schedule();
      });
  }
}
