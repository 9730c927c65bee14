import { AsyncResource } from "node:async_hooks";
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { type AckPolicy, settlementFor } from "./ack-policy.js";
import { DeliveryContext, runWithContext, type MessageContext, type SubscriberInfo } from "./context.js";
import { DecodeError, FeatureNotSupportedError, SettlementSignal, ValidationError } from "./errors.js";
import type { IncomingMessage } from "./message.js";
import { composeConsume, type ConsumeChain, type Middleware } from "./middleware.js";
import type { Publisher } from "./publisher.js";
import { ResultFanOut } from "./publishing-result.js";
import type { BrokerRuntime } from "./runtime.js";
import { validateBody } from "./schema.js";
import type { BatchOptions, Delivery, TransportSubscription } from "./transport.js";

export type Handler<Body = any, Result = unknown> = (body: Body, context: MessageContext) => Result | Promise<Result>;

/** Options every broker's subscribers understand; adapters add theirs beside them. */
export interface SubscriberOptions {
  /** A Standard Schema (zod, valibot, arktype, ...): validates each body and types the handler. */
  readonly schema?: StandardSchemaV1;
  /** Where the handler's return value goes (besides the reply address of a request). */
  readonly publishers?: readonly Publisher<any, any>[];
  readonly middlewares?: readonly Middleware<string>[];
  readonly ackPolicy?: AckPolicy;
  /** Hand the handler arrays of messages: `true` for the defaults, or limits. */
  readonly batch?: true | Partial<BatchOptions>;
  /** Deliveries in the handler at once (default 1: messages are handled in order). */
  readonly concurrency?: number;
  /**
   * Deliveries after which a message nacked with requeue is rejected instead (dead-lettered where the broker
   * has dead letters), so a message that always fails cannot loop forever. Brokers that redeliver honour it.
   */
  readonly maxDeliveries?: number;
  /** For logs and errors; defaults to the handler's name, then the destination. */
  readonly name?: string;
}

export const defaultBatch: BatchOptions = { maxSize: 100, maxWaitMs: 100 };

// Handlers run in the context of this module's load (the root context), never in whatever async context a
// client library's socket callback carries: a message without trace headers must not become a child of the
// span that happened to be active when the connection opened.
const rootScope = new AsyncResource("postline.delivery");

/** What registration records; the broker turns it into a running `Subscriber` on start. */
export interface SubscriberDefinition {
  readonly destination: string;
  readonly options: SubscriberOptions & Record<string, unknown>;
  readonly handler: Handler;
  readonly name: string;
  readonly publishers: readonly Publisher<any, any>[];
  /** Broker and router middlewares, outermost first, resolved when the definition is started. */
  readonly outerMiddlewares: () => readonly Middleware<string>[];
  readonly prefix: () => string;
}

/** A registered handler, running or not. Returned by `subscriber(...).handle(fn)`. */
export class Subscriber {
  readonly name: string;
  readonly #definition: SubscriberDefinition;
  readonly #runtimeOf: () => BrokerRuntime;
  readonly #inFlight = new Set<Promise<void>>();
  #subscription: TransportSubscription | undefined;
  #chain: ConsumeChain | undefined;
  #results: ResultFanOut | undefined;
  #observers: ((body: unknown, context: MessageContext) => void)[] = [];
  #info: SubscriberInfo | undefined;

  #starting: Promise<void> | undefined;

  constructor(definition: SubscriberDefinition, runtime: () => BrokerRuntime) {
    this.#definition = definition;
    this.#runtimeOf = runtime;
    this.name = definition.name;
  }

  /** The full destination, router prefixes included. */
  get destination(): string {
    return this.#definition.prefix() + this.#definition.destination;
  }

  get running(): boolean {
    return this.#subscription !== undefined;
  }

  get batch(): BatchOptions | undefined {
    const batch = this.#definition.options.batch;
    if (batch === undefined) return undefined;
    return batch === true ? defaultBatch : { ...defaultBatch, ...batch };
  }

  get ackPolicy(): AckPolicy {
    return this.#definition.options.ackPolicy ?? this.#runtime.defaultAckPolicy;
  }

  /** Testing: called with each decoded body before the handler runs. */
  observe(observer: (body: unknown, context: MessageContext) => void): () => void {
    this.#observers.push(observer);
    return () => {
      this.#observers = this.#observers.filter((candidate) => candidate !== observer);
    };
  }

  get #runtime(): BrokerRuntime {
    return this.#runtimeOf();
  }

  /** Subscribes with the broker; idempotent. The broker calls it on start (and at once for late registrations). */
  start(): Promise<void> {
    this.#starting ??= this.#subscribe().catch((error: unknown) => {
      this.#starting = undefined;
      throw error;
    });
    return this.#starting;
  }

  async #subscribe(): Promise<void> {
    if (this.batch !== undefined && !this.#runtime.transport.capabilities.batchConsume) {
      throw new FeatureNotSupportedError(`subscriber "${this.name}": the ${this.#runtime.transport.kind} broker cannot consume batches`);
    }
    const options = this.#definition.options;
    const middlewares = [...this.#definition.outerMiddlewares(), ...(options.middlewares ?? [])];
    this.#chain = composeConsume(middlewares);
    this.#results = new ResultFanOut(this.#runtime.publishing, this.#definition.publishers, middlewares);
    const { schema: _schema, publishers: _publishers, middlewares: _middlewares, ackPolicy: _ack, batch: _batch, concurrency: _concurrency, maxDeliveries, name: _name, ...brokerOptions } = options;
    this.#info = {
      name: this.name,
      destination: this.destination,
      group: typeof brokerOptions.group === "string" ? brokerOptions.group : undefined,
      server: this.#runtime.transport.server,
    };
    this.#subscription = await this.#runtime.transport.subscribe(
      { name: this.name, destination: this.destination, options: brokerOptions, batch: this.batch, concurrency: options.concurrency ?? 1, maxDeliveries },
      (delivery) => rootScope.runInAsyncScope(() => this.#track(this.#handle(delivery))),
    );
  }

  /** Stops receiving and waits for the deliveries in progress to settle. */
  async stop(): Promise<void> {
    await this.#starting?.catch(() => undefined);
    const subscription = this.#subscription;
    this.#subscription = undefined;
    this.#starting = undefined;
    await subscription?.stop();
    await this.drain();
  }

  /** Deliveries handed to this subscriber and not yet settled. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  async drain(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  #track(work: Promise<void>): Promise<void> {
    this.#inFlight.add(work);
    return work.finally(() => this.#inFlight.delete(work));
  }

  async #handle(delivery: Delivery): Promise<void> {
    const runtime = this.#runtime;
    const batch = this.batch !== undefined;
    const context = new DeliveryContext(
      delivery.messages,
      batch,
      this.#info!,
      runtime.logger,
      runtime.publishApi,
      runtime.shutdownSignal,
      delivery,
    );
    const policy = this.ackPolicy;
    let failed = false;
    let failure: unknown;
    try {
      if (policy === "ack-first") await context.ack();
      await runWithContext(context, () => this.#chain!(context, () => this.#invoke(context)));
    } catch (error) {
      failed = true;
      failure = error;
    }
    if (context.settlement === undefined) {
      const settlement = settlementFor(policy, failed, failure);
      if (settlement !== undefined) {
        await context.settle(settlement).catch((error: unknown) => {
          runtime.logger.error(`subscriber "${this.name}" could not settle a message`, { error, settlement: settlement.kind });
        });
      }
    }
    if (failed && !(failure instanceof SettlementSignal)) {
      const level = failure instanceof DecodeError || failure instanceof ValidationError ? "warn" : "error";
      runtime.logger[level](`subscriber "${this.name}" failed to handle a message`, {
        error: failure,
        destination: context.message.destination,
        correlationId: context.correlationId,
        settlement: context.settlement?.kind ?? "none",
      });
    }
    context.notifySettled(failed ? failure : undefined);
  }

  async #invoke(context: DeliveryContext): Promise<void> {
    const schema = this.#definition.options.schema;
    let body: unknown;
    if (context.batch) {
      const decoded = context.messages.map((message) => this.#decode(message));
      body = schema === undefined ? decoded : await Promise.all(decoded.map((value) => validateBody(schema, value, this.name)));
    } else {
      const decoded = this.#decode(context.message);
      body = schema === undefined ? decoded : await validateBody(schema, decoded, this.name);
    }
    for (const observer of this.#observers) observer(body, context);
    const result = await this.#definition.handler(body, context);
    // Most handlers return nothing and answer no request: skip the publishing machinery for them.
    if (result === undefined && (context.batch || context.message.replyTo === undefined)) return;
    await this.#results!.publish(result, context);
  }

  #decode(message: IncomingMessage): unknown {
    try {
      return this.#runtime.codecs.decode(message.body, message.contentType);
    } catch (error) {
      throw new DecodeError(this.name, message.contentType, error);
    }
  }
}
