import { Broker, Router, type Logger, type RouterOptions, type SubscriberOptions, type SubscriptionCheck } from "../core/index.js";
import { validateBrokerOptions, validateSubscription, type RedisBrokerOptions, type RedisPublishOptions, type RedisSubscribeOptions } from "./options.js";
import { RedisTransport } from "./transport.js";

/** Core's own subscriber options; the rest are Redis's and are checked when the subscriber is registered. */
const coreKeys = new Set(["schema", "publishers", "middlewares", "ackPolicy", "batch", "concurrency", "name"]);

const checkSubscriber: SubscriptionCheck = (destination, record) => {
  const options = record as SubscriberOptions & RedisSubscribeOptions;
  const own = Object.fromEntries(Object.entries(options).filter(([key]) => !coreKeys.has(key))) as RedisSubscribeOptions;
  validateSubscription(options.name ?? destination, own, options.batch !== undefined);
};

/**
 * Redis: pub/sub channels and patterns, lists and streams (with consumer groups), one broker. The kind of a
 * subscription is its `kind` option (`channel` by default); the kind a publish goes to is the publish option
 * `kind`, or the broker's `defaultPublishKind`. Messages carry FastStream's envelope (see envelope.ts).
 */
export class RedisBroker extends Broker<"redis", RedisSubscribeOptions, RedisPublishOptions> {
  constructor(options: RedisBrokerOptions = {}) {
    const url = validateBrokerOptions(options);
    // The transport exists before the broker (and its logger): it reads the logger once it does.
    const log: { to?: Logger } = {};
    super(
      "redis",
      new RedisTransport({
        url,
        connection: options.connection,
        format: options.messageFormat ?? "binary",
        defaultPublishKind: options.defaultPublishKind ?? "channel",
        logger: () => log.to!,
      }),
      options,
      checkSubscriber,
    );
    log.to = this.logger;
  }
}

export class RedisRouter extends Router<"redis", RedisSubscribeOptions, RedisPublishOptions> {
  constructor(options: RouterOptions<"redis"> = {}) {
    super("redis", options, checkSubscriber);
  }
}
