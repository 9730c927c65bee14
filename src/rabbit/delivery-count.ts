import { createHash } from "node:crypto";
import type { ConsumeMessage } from "amqplib";

/** Redelivery counts kept for messages requeued here (classic queues only say "redelivered"). */
const MAX_TRACKED = 10_000;

/**
 * Requeued messages are counted by message id; publishers that set none (most non-Postline clients) are
 * counted by content, or `maxDeliveries` could never be reached and a failing message would loop forever.
 */
function trackingKey(message: ConsumeMessage): string {
  const id = message.properties.messageId as string | undefined;
  if (id !== undefined) return id;
  const { exchange, routingKey } = message.fields;
  return `sha1:${createHash("sha1").update(exchange).update("\0").update(routingKey).update("\0").update(message.content).digest("base64")}`;
}

/**
 * How often a message has been delivered, for core's redelivery rule. Quorum queues count deliveries
 * (`x-delivery-count`); classic queues only flag redeliveries, so requeues by this subscriber are counted here.
 */
export class DeliveryCounts {
  readonly #requeued = new Map<string, number>();

  of(message: ConsumeMessage): number {
    const header = message.properties.headers?.["x-delivery-count"] as unknown;
    if (typeof header === "number") return header + 1;
    if (!message.fields.redelivered) return 1;
    return Math.max(2, (this.#requeued.get(trackingKey(message)) ?? 0) + 1);
  }

  /** After a settlement: a requeued message's count is kept for its return; a redelivered one that ends is forgotten. */
  settled(message: ConsumeMessage, deliveryCount: number, requeued: boolean): void {
    if (requeued) {
      const id = trackingKey(message);
      this.#requeued.delete(id);
      this.#requeued.set(id, deliveryCount);
      if (this.#requeued.size > MAX_TRACKED) this.#requeued.delete(this.#requeued.keys().next().value!);
    } else if (message.fields.redelivered) {
      this.#requeued.delete(trackingKey(message));
    }
  }
}
