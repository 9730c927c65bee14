import type { IPublishPacket } from "mqtt";
import type { DeliveryHandler, DropReporter, IncomingMessage, Settlement } from "../core/index.js";

/**
 * One Postline subscriber on one server subscription: a local queue (at most `maxPending` long) handed to the
 * handler at most `concurrency` messages at a time, in arrival order.
 */
export class Member {
  readonly #queue: IncomingMessage<IPublishPacket>[] = [];
  #active = 0;
  #stopped = false;
  #drained: (() => void) | undefined;

  constructor(
    private readonly concurrency: number,
    private readonly handler: DeliveryHandler<IPublishPacket>,
    private readonly settle: (message: IncomingMessage<IPublishPacket>, settlement: Settlement) => Promise<void>,
    /** Beyond its `maxPending` waiting messages new ones are dropped and counted: they were acknowledged on receipt. */
    private readonly drops: DropReporter,
  ) {}

  push(message: IncomingMessage<IPublishPacket>): void {
    if (this.#stopped) return;
    if (this.#queue.length >= this.drops.maxPending) {
      this.drops.drop();
      return;
    }
    this.#queue.push(message);
    this.#pump();
  }

  /** No new messages; resolves once every message already received has been handed to the handler. */
  stop(): Promise<void> {
    this.#stopped = true;
    if (this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => (this.#drained = resolve));
  }

  #pump(): void {
    while (this.#active < this.concurrency && this.#queue.length > 0) {
      const message = this.#queue.shift()!;
      this.#active += 1;
      const delivery = { messages: [message], settle: (settlement: Settlement) => this.settle(message, settlement) };
      // Core's handler settles and logs its own failures; a rejection here would be a bug, never unhandled.
      // (Core runs the handler in the root async context.)
      void this.handler(delivery)
        .catch(() => undefined)
        .finally(() => {
          this.#active -= 1;
          this.#pump();
        });
    }
    if (this.#queue.length === 0 && this.#drained !== undefined) {
      this.#drained();
      this.#drained = undefined;
    }
  }
}

/**
 * One server subscription (a topic filter, or `$share/<group>/<filter>`) and the local subscribers behind it.
 * A client holds each filter once, so several local subscribers share it: without a group each gets every
 * message (fan-out), in a group they take turns (the server already split the messages between clients).
 */
export class Route {
  readonly members: Member[] = [];
  #next = 0;

  constructor(
    readonly filter: string,
    readonly id: number,
    readonly shared: boolean,
    public qos: 0 | 1 | 2,
  ) {}

  deliver(message: IncomingMessage<IPublishPacket>): void {
    if (!this.shared) {
      for (const member of this.members) member.push(message);
      return;
    }
    const member = this.members[this.#next % this.members.length];
    this.#next = (this.#next + 1) % Math.max(this.members.length, 1);
    member?.push(message);
  }
}
