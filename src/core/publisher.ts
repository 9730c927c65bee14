import { ConfigurationError } from "./errors.js";
import type { Middleware } from "./middleware.js";
import type { PublishOptions } from "./publish-api.js";
import { PublisherChain } from "./publishing-chain.js";
import type { CommandOptions } from "./publishing-command.js";
import type { Publishing } from "./publishing.js";

export interface PublisherOptions {
  readonly middlewares?: readonly Middleware<string>[];
}

/** Where a publisher belongs: a broker, or a router that a broker includes later. */
export interface PublisherOwner {
  prefix(): string;
  outerMiddlewares(): readonly Middleware<string>[];
  /** The owning broker's publishing (a router reaches it once included). */
  runtime(): { readonly publishing: Publishing };
}

/**
 * A named destination to publish to. Three uses: `await publisher.publish(body)`; listed in a subscriber's
 * `publishers` so the handler's return value goes there; or as a method decorator, `@broker.publisher("out")`,
 * on a subscriber method, for the same effect.
 */
export interface Publisher<Body = unknown, BrokerOptions = unknown> {
  (method: (...args: any[]) => unknown, context: ClassMethodDecoratorContext): void;
  /** The full destination, router prefixes included. */
  readonly destination: string;
  /** Broker-specific options applied to every message this publisher sends (a Kafka key, an exchange, ...). */
  readonly options: PublishOptions & BrokerOptions;
  /** The publisher's own middlewares (broker and router middlewares are added around them). */
  readonly middlewares: readonly Middleware<string>[];
  publish(body: Body, options?: PublishOptions & BrokerOptions): Promise<void>;
}

const decoratedPublishers = new WeakMap<object, Publisher<any, any>[]>();

/** Publishers attached to a method by `@publisher` decorators, in source order. */
export function publishersOf(method: object): readonly Publisher<any, any>[] {
  return decoratedPublishers.get(method) ?? [];
}

export function createPublisher<Body, BrokerOptions>(
  owner: PublisherOwner,
  destination: string,
  options: PublisherOptions & PublishOptions & BrokerOptions,
): Publisher<Body, BrokerOptions> {
  const { middlewares = [], ...publishOptions } = options;
  const chain = new PublisherChain(middlewares);
  // eslint-disable-next-line prefer-const -- assigned once below; the decorator closes over it
  let publisher: Publisher<Body, BrokerOptions>;
  const decorator = (method: (...args: any[]) => unknown, context: ClassMethodDecoratorContext): void => {
    if (context.kind !== "method") throw new ConfigurationError("@publisher decorates methods only");
    const list = decoratedPublishers.get(method) ?? [];
    // Decorators apply bottom-up; unshift keeps the order the user wrote them in.
    list.unshift(publisher);
    decoratedPublishers.set(method, list);
  };
  const methods = {
    middlewares,
    options: publishOptions as PublishOptions & BrokerOptions,
    async publish(body: Body, overrides?: PublishOptions & BrokerOptions): Promise<void> {
      const publishing = owner.runtime().publishing;
      const merged = { ...publishOptions, ...overrides } as CommandOptions;
      return publishing.publish(body, publisher.destination, merged, chain.of(publishing, owner.outerMiddlewares()));
    },
  };
  publisher = Object.defineProperty(Object.assign(decorator, methods), "destination", {
    get: () => owner.prefix() + destination,
    enumerable: true,
  }) as unknown as Publisher<Body, BrokerOptions>;
  return publisher;
}
