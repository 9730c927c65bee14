import { AsyncLocalStorage } from "node:async_hooks";
import type { Logger } from "./logger.js";
import type { Headers, IncomingMessage, ServerAddress, Settlement } from "./message.js";
import type { Delivery } from "./transport.js";
import type { PublishApi } from "./publish-api.js";

export interface SubscriberInfo {
  readonly name: string;
  readonly destination: string;
  readonly group: string | undefined;
  /** The server the subscription reads from, when the transport knows (for telemetry). */
  readonly server: ServerAddress | undefined;
}

export type SettledListener = (settlement: Settlement | undefined, error: unknown) => void;

/**
 * What a handler (and a consume middleware) can reach while one message, or one batch, is handled.
 * Handlers get it as their second argument; code deeper in the call stack gets it from `currentContext()`.
 */
export interface MessageContext {
  /** The message; the first one of a batch. */
  readonly message: IncomingMessage;
  /** Every message of the delivery (one, unless the subscriber is a batch subscriber). */
  readonly messages: readonly IncomingMessage[];
  readonly batch: boolean;
  readonly headers: Readonly<Headers>;
  readonly correlationId: string | undefined;
  readonly subscriber: SubscriberInfo;
  readonly logger: Logger;
  /** Publish or request from inside the handler (the broker's own methods). */
  readonly broker: PublishApi;
  /** Aborted when the broker shuts down; long handlers may stop early. */
  readonly signal: AbortSignal;
  /** How the message was settled, once it is. */
  readonly settlement: Settlement | undefined;
  /** Settle now (manual ack policy, or to settle early under any policy). Later calls are ignored. */
  ack(): Promise<void>;
  nack(options?: { requeue?: boolean }): Promise<void>;
  reject(): Promise<void>;
  /** Middlewares: called once the delivery is settled (or left unsettled under the manual policy). */
  onSettled(listener: SettledListener): void;
  /** Per-delivery state for middlewares, keyed by symbols they own. */
  readonly locals: Map<symbol, unknown>;
}

const storage = new AsyncLocalStorage<MessageContext>();

/** The context of the message being handled, or `undefined` outside a handler. */
export function currentContext(): MessageContext | undefined {
  return storage.getStore();
}

export function runWithContext<T>(context: MessageContext, fn: () => Promise<T>): Promise<T> {
  return storage.run(context, fn);
}

export class DeliveryContext implements MessageContext {
  readonly message: IncomingMessage;
  #locals: Map<symbol, unknown> | undefined;
  #settlement: Settlement | undefined;
  #settling: Promise<void> | undefined;
  #listeners: SettledListener[] = [];

  constructor(
    readonly messages: readonly IncomingMessage[],
    readonly batch: boolean,
    readonly subscriber: SubscriberInfo,
    readonly logger: Logger,
    readonly broker: PublishApi,
    readonly signal: AbortSignal,
    private readonly delivery: Delivery,
  ) {
    const first = messages[0];
    if (first === undefined) throw new Error("a delivery carries at least one message");
    this.message = first;
  }

  /** Created on first use: most deliveries never need per-message middleware state. */
  get locals(): Map<symbol, unknown> {
    this.#locals ??= new Map();
    return this.#locals;
  }

  get headers(): Readonly<Headers> {
    return this.message.headers;
  }

  get correlationId(): string | undefined {
    return this.message.correlationId;
  }

  get settlement(): Settlement | undefined {
    return this.#settlement;
  }

  ack(): Promise<void> {
    return this.settle({ kind: "ack" });
  }

  nack(options: { requeue?: boolean } = {}): Promise<void> {
    return this.settle({ kind: "nack", requeue: options.requeue ?? true });
  }

  reject(): Promise<void> {
    return this.settle({ kind: "reject" });
  }

  /** Settles once; the first settlement wins, as with every broker. */
  settle(settlement: Settlement): Promise<void> {
    if (this.#settling !== undefined) return this.#settling;
    this.#settlement = settlement;
    this.#settling = this.delivery.settle(settlement);
    return this.#settling;
  }

  onSettled(listener: SettledListener): void {
    this.#listeners.push(listener);
  }

  /** Tells the middlewares how it ended. Listener failures are logged, never thrown into the pipeline. */
  notifySettled(error: unknown): void {
    for (const listener of this.#listeners) {
      try {
        listener(this.#settlement, error);
      } catch (listenerError) {
        this.logger.warn("an onSettled listener threw", { error: listenerError });
      }
    }
  }
}
