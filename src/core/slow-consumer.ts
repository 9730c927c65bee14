import { ConfigurationError } from "./errors.js";

/**
 * At-most-once subscriptions (NATS core, Redis pub/sub, MQTT) cannot slow the server down: what arrives faster
 * than the handlers take it waits in the process. Beyond `maxPending` waiting messages the subscriber is a
 * slow consumer, as NATS calls it: new messages are dropped and counted instead of growing memory without
 * bound. This default suits small messages; the adapters document it.
 */
export const DEFAULT_MAX_PENDING = 65_536;

/** `maxPending` must be a whole number of messages above zero. */
export function validateMaxPending(where: string, value: unknown): void {
  if (value !== undefined && !(typeof value === "number" && Number.isInteger(value) && value > 0)) {
    throw new ConfigurationError(`${where}: maxPending must be a whole number of messages > 0, got ${JSON.stringify(value)}`);
  }
}

/**
 * The bound of one at-most-once subscription and the report of its drops: the first drop is reported at
 * once, then at most every `intervalMs` with the count since the last report, so a sustained overload is one
 * line per interval rather than one per message.
 */
export class DropReporter {
  /** How many received messages may wait for a handler: the subscriber's `maxPending`, or the default. */
  readonly maxPending: number;
  #dropped = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly subscription: { readonly name: string; readonly destination: string },
    maxPending: number | undefined,
    /** What the messages are, for the warning ("NATS", "pub/sub", "MQTT"). */
    private readonly what: string,
    private readonly warn: (message: string, fields: Record<string, unknown>) => void,
    private readonly intervalMs = 5_000,
  ) {
    this.maxPending = maxPending ?? DEFAULT_MAX_PENDING;
  }

  drop(): void {
    this.#dropped += 1;
    if (this.#timer !== undefined) return;
    this.#flush();
    this.#arm();
  }

  /** Reports what is still uncounted and stops the timer (the subscription stopped). */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#dropped > 0) this.#flush();
  }

  #flush(): void {
    const dropped = this.#dropped;
    this.#dropped = 0;
    const { name, destination } = this.subscription;
    this.warn(`subscriber "${name}" is a slow consumer: dropped ${dropped} ${this.what} message(s) on "${destination}" (maxPending ${this.maxPending} waiting for a handler)`, { dropped, maxPending: this.maxPending });
  }

  #arm(): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#dropped === 0) return;
      this.#flush();
      this.#arm();
    }, this.intervalMs).unref();
  }
}
