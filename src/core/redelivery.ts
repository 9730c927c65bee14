import { ConfigurationError } from "./errors.js";
import type { Settlement } from "./message.js";

/** `maxDeliveries` must be a whole number of deliveries, at least one. Checked once, when a subscriber is registered. */
export function validateMaxDeliveries(where: string, value: unknown): void {
  if (value !== undefined && !(typeof value === "number" && Number.isInteger(value) && value >= 1)) {
    throw new ConfigurationError(`${where}: maxDeliveries must be a whole number ≥ 1, got ${JSON.stringify(value)}`);
  }
}

/** What a batch's settlement does to its messages: those that go back to the broker, and those that do not. */
export interface Split<T> {
  readonly requeue: T[];
  /** Rejected, nacked without requeue, or out of deliveries: dead-lettered where the broker has a place for them. */
  readonly reject: T[];
}

/**
 * The one redelivery rule: a nack with requeue brings a message back until it has been delivered
 * `maxDeliveries` times; from then on it is rejected (dead-lettered where the broker has dead letters), so a
 * message that always fails cannot loop forever. The adapter knows how to count deliveries (a native header,
 * a redelivered flag, its own counter) and what rejecting means on its broker; the rule is here.
 */
export class RedeliveryRule {
  constructor(readonly maxDeliveries: number | undefined) {}

  /** Whether a message delivered `deliveryCount` times goes back to the broker under this settlement. */
  requeues(settlement: Settlement, deliveryCount: number): boolean {
    if (settlement.kind !== "nack" || !settlement.requeue) return false;
    return this.maxDeliveries === undefined || deliveryCount < this.maxDeliveries;
  }

  /** Splits the messages of a delivery that was not acknowledged. */
  split<T>(items: readonly T[], settlement: Settlement, deliveryCount: (item: T) => number): Split<T> {
    const requeue: T[] = [];
    const reject: T[] = [];
    for (const item of items) (this.requeues(settlement, deliveryCount(item)) ? requeue : reject).push(item);
    return { requeue, reject };
  }
}
