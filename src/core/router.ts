import { ConfigurationError } from "./errors.js";
import type { Middleware } from "./middleware.js";
import { Registry, type SubscriptionCheck } from "./registry.js";
import type { BrokerRuntime } from "./runtime.js";

export interface RouterOptions<Kind extends string> {
  /** Prepended to the destinations of this router's subscribers and publishers. */
  readonly prefix?: string;
  /** Run inside the including broker's (or router's) middlewares, outside the subscribers' own. */
  readonly middlewares?: readonly Middleware<Kind>[];
}

/**
 * A group of subscribers and publishers with a shared prefix and middlewares, included into a broker (or
 * another router) with `include`. Each adapter exports its own typed router (`MemoryRouter`, ...).
 */
export class Router<Kind extends string = string, SubscribeOptions = unknown, PublishOptionsOf = unknown> extends Registry<Kind, SubscribeOptions, PublishOptionsOf> {
  readonly #kind: string;

  constructor(kind: Kind | "*", options: RouterOptions<Kind> = {}, checkSubscription?: SubscriptionCheck) {
    super(options.prefix ?? "", options.middlewares ?? [], checkSubscription);
    this.#kind = kind;
    for (const middleware of options.middlewares ?? []) this.checkMiddleware(middleware);
  }

  protected get kind(): string {
    return this.#kind;
  }

  runtime(): BrokerRuntime {
    const owner = this.includedIn();
    if (owner === undefined) {
      throw new ConfigurationError("this router is not included in a broker yet: call broker.include(router) first");
    }
    return owner.runtime();
  }
}
