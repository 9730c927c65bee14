import type { StandardSchemaV1 } from "@standard-schema/spec";
import { ackPolicies } from "./ack-policy.js";
import type { MessageContext } from "./context.js";
import { ConfigurationError } from "./errors.js";
import { validateMaxDeliveries } from "./redelivery.js";
import type { Middleware } from "./middleware.js";
import type { PublishOptions } from "./publish-api.js";
import { createPublisher, publishersOf, type Publisher, type PublisherOptions, type PublisherOwner } from "./publisher.js";
import {
  publisherDocumentationKeys,
  recordPublisher,
  recordSubscriber,
  splitDocumentation,
  subscriberDocumentationKeys,
  type PublisherDocumentation,
  type SubscriberDocumentation,
} from "./registrations.js";
import type { BrokerRuntime } from "./runtime.js";
import { Subscriber, type Handler, type SubscriberDefinition, type SubscriberOptions } from "./subscriber.js";

type ItemOf<O> = O extends { schema: infer S extends StandardSchemaV1 } ? StandardSchemaV1.InferOutput<S> : unknown;
type HasSchema<O> = O extends { schema: StandardSchemaV1 } ? true : false;
/** The body a handler receives: the schema's output (an array of them with `batch`), else its annotation. */
export type BodyOf<O> = O extends { batch: object | true } ? ItemOf<O>[] : ItemOf<O>;

/**
 * `broker.subscriber(destination, options)` returns this: a TC39 method decorator, and a builder whose
 * `handle(fn)` registers a plain function. With a schema the handler's body type is the schema's output;
 * without one it is whatever the handler's parameter annotation says (nothing is validated then).
 */
export interface SubscriberBuilder<Body, Typed extends boolean> {
  <This, Annotated>(
    method: (this: This, body: Typed extends true ? Body : Annotated, context: MessageContext) => unknown,
    context: ClassMethodDecoratorContext<This>,
  ): void;
  handle: Typed extends true
    ? (handler: (body: Body, context: MessageContext) => unknown) => Subscriber
    : <Annotated>(handler: (body: Annotated, context: MessageContext) => unknown) => Subscriber;
}

/**
 * An adapter's check of its own subscribe options (a topic pattern, a queue spec, a stream group), run when a
 * subscriber is registered on its broker or router, so bad options fail there with a ConfigurationError.
 */
export type SubscriptionCheck = (destination: string, options: Record<string, unknown>) => void;

const registeredMethods = new WeakSet<object>();

function validateSubscriberOptions(destination: string, options: SubscriberOptions): void {
  const where = `subscriber of "${String(destination)}"`;
  if (typeof destination !== "string" || destination === "") throw new ConfigurationError("a subscriber needs a destination (a non-empty string)");
  if (options.ackPolicy !== undefined && !ackPolicies.includes(options.ackPolicy)) {
    throw new ConfigurationError(`${where}: unknown ackPolicy "${String(options.ackPolicy)}"; use one of ${ackPolicies.join(", ")}`);
  }
  if (options.concurrency !== undefined && !(Number.isInteger(options.concurrency) && options.concurrency >= 1)) {
    throw new ConfigurationError(`${where}: concurrency must be a whole number ≥ 1, got ${String(options.concurrency)}`);
  }
  validateMaxDeliveries(where, options.maxDeliveries);
  if (typeof options.batch === "object") {
    const { maxSize, maxWaitMs } = options.batch;
    if (maxSize !== undefined && !(Number.isInteger(maxSize) && maxSize >= 1)) throw new ConfigurationError(`${where}: batch.maxSize must be a whole number ≥ 1`);
    if (maxWaitMs !== undefined && !(Number.isFinite(maxWaitMs) && maxWaitMs >= 0)) throw new ConfigurationError(`${where}: batch.maxWaitMs must be ≥ 0`);
  }
  if (options.schema !== undefined && typeof options.schema["~standard"]?.validate !== "function") {
    throw new ConfigurationError(`${where}: schema must be a Standard Schema (zod, valibot, arktype, ...)`);
  }
}

/**
 * Registration shared by brokers and routers: subscribers, publishers, included routers, a destination prefix
 * and middlewares. A router's prefix and middlewares apply inside those of whatever includes it.
 */
export abstract class Registry<Kind extends string, SubscribeOptions, PublishOptionsOf> implements PublisherOwner {
  readonly #prefix: string;
  readonly #middlewares: readonly Middleware<Kind>[];
  readonly #subscribers: Subscriber[] = [];
  readonly #publishers: Publisher<any, any>[] = [];
  readonly #children: Registry<Kind, SubscribeOptions, PublishOptionsOf>[] = [];
  #parent: Registry<Kind, SubscribeOptions, PublishOptionsOf> | undefined;

  readonly #checkSubscription: SubscriptionCheck | undefined;

  protected constructor(prefix: string, middlewares: readonly Middleware<Kind>[], checkSubscription?: SubscriptionCheck) {
    this.#prefix = prefix;
    this.#middlewares = middlewares;
    this.#checkSubscription = checkSubscription;
  }

  abstract runtime(): BrokerRuntime;

  /** Called when a subscriber is added here or in an included router; a running broker starts it at once. */
  protected onSubscriber(subscriber: Subscriber): void {
    this.#parent?.onSubscriber(subscriber);
  }

  protected abstract get kind(): string;

  /** The broker or router that included this one. */
  protected includedIn(): Registry<Kind, SubscribeOptions, PublishOptionsOf> | undefined {
    return this.#parent;
  }

  prefix(): string {
    return (this.#parent?.prefix() ?? "") + this.#prefix;
  }

  outerMiddlewares(): readonly Middleware<string>[] {
    return [...(this.#parent?.outerMiddlewares() ?? []), ...this.#middlewares];
  }

  /** Every subscriber of this registry and of the routers it includes. */
  subscribers(): Subscriber[] {
    return [...this.#subscribers, ...this.#children.flatMap((child) => child.subscribers())];
  }

  /** Every publisher created by `publisher()` on this registry and on the routers it includes. */
  publishers(): Publisher<any, any>[] {
    return [...this.#publishers, ...this.#children.flatMap((child) => child.publishers())];
  }

  subscriber<const O extends SubscriberOptions & SubscribeOptions & SubscriberDocumentation>(destination: string, options?: O): SubscriberBuilder<BodyOf<O>, HasSchema<O>> {
    const { documentation, rest } = splitDocumentation((options ?? {}) as SubscriberOptions & Record<string, unknown>, subscriberDocumentationKeys);
    const subscriberOptions = rest;
    validateSubscriberOptions(destination, subscriberOptions);
    this.#checkSubscription?.(destination, subscriberOptions);
    for (const middleware of subscriberOptions.middlewares ?? []) this.checkMiddleware(middleware);
    const register = (handler: Handler, name: string, decorated: readonly Publisher<any, any>[]): Subscriber => {
      const definition: SubscriberDefinition = {
        destination,
        options: subscriberOptions,
        handler,
        name: subscriberOptions.name ?? name,
        publishers: [...(subscriberOptions.publishers ?? []), ...decorated],
        outerMiddlewares: () => this.outerMiddlewares(),
        prefix: () => this.prefix(),
      };
      const subscriber = new Subscriber(definition, () => this.runtime());
      recordSubscriber({ subscriber, options: subscriberOptions, publishers: definition.publishers, documentation });
      this.#subscribers.push(subscriber);
      this.onSubscriber(subscriber);
      return subscriber;
    };
    const decorator = (method: Handler, context: ClassMethodDecoratorContext): void => {
      if (context.kind !== "method") throw new ConfigurationError("@subscriber decorates methods only");
      context.addInitializer(function (this: unknown) {
        // Instance methods register when the class is constructed; a second instance would subscribe twice.
        if (registeredMethods.has(method)) {
          throw new ConfigurationError(`the handler ${String(context.name)} is already registered: construct its class once`);
        }
        registeredMethods.add(method);
        const owner = typeof this === "function" ? this.name : (this as object).constructor.name;
        register(method.bind(this), `${owner}.${String(context.name)}`, publishersOf(method));
      });
    };
    const handle = (handler: Handler): Subscriber => register(handler, handler.name || destination, []);
    return Object.assign(decorator, { handle }) as unknown as SubscriberBuilder<BodyOf<O>, HasSchema<O>>;
  }

  publisher<Body = unknown>(destination: string, options?: PublisherOptions & PublishOptions & PublishOptionsOf & PublisherDocumentation): Publisher<Body, PublishOptionsOf> {
    for (const middleware of options?.middlewares ?? []) this.checkMiddleware(middleware);
    const { documentation, rest } = splitDocumentation(options ?? {}, publisherDocumentationKeys);
    const publisher = createPublisher<Body, PublishOptionsOf>(this, destination, rest as PublisherOptions & PublishOptions & PublishOptionsOf);
    recordPublisher({ publisher, documentation });
    this.#publishers.push(publisher);
    return publisher;
  }

  /** Adds a router's subscribers and publishers, under this registry's prefix and middlewares. */
  include(router: Registry<Kind, SubscribeOptions, PublishOptionsOf>): this {
    if (router.#parent !== undefined) throw new ConfigurationError("a router can be included once");
    if (router === (this as unknown)) throw new ConfigurationError("a router cannot include itself");
    for (const middleware of router.#middlewares) this.checkMiddleware(middleware);
    router.#parent = this;
    this.#children.push(router);
    for (const subscriber of router.subscribers()) this.onSubscriber(subscriber);
    return this;
  }

  /** Broker-branded middlewares (telemetry) fit only their broker. */
  protected checkMiddleware(middleware: Middleware<string>): void {
    if (middleware.broker !== undefined && this.kind !== "*" && middleware.broker !== this.kind) {
      throw new ConfigurationError(
        `${middleware.constructor.name} is made for the ${middleware.broker} broker and cannot be used with the ${this.kind} broker; ` +
          `import the middleware from "postline/${this.kind}/opentelemetry" instead`,
      );
    }
  }
}
