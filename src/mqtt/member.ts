import type { IPublishPacket } from "mqtt";
import type { DeliveryQueue, IncomingMessage } from "../core/index.js";

/** One Postline subscriber behind a server subscription: core's queue, bounded by `maxPending` (acknowledged on receipt). */
export type Member = DeliveryQueue<IncomingMessage<IPublishPacket>>;

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
