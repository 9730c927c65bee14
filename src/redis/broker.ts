import { Broker, Router, type BodyOf, type Logger, type RouterOptions, type StandardSchemaV1, type SubscriberBuilder, type SubscriberOptions } from "../core/index.js";
import { validateBrokerOptions, validateSubscription, type RedisBrokerOptions, type RedisPublishOptions, type RedisSubscribeOptions } from "./options.js";
import { RedisTransport } from "./transport.js";

type HasSchema<O> = O extends { schema: StandardSchemaV1 } ? true : false;

/** Core's own subscriber options; the rest are Redis's and are checked when the subscriber is registered. */
const coreKeys = new Set(["schema", "publishers", "middlewares", "ackPolicy", "batch", "concurrency", "name"]);

function checkSubscriber(destination: string, options: (SubscriberOptions & RedisSubscribeOptions) | undefined): void {
  if (options === undefined) return;
  const own = Object.fromEntries(Object.entries(options).filter(([key]) => !coreKeys.has(key))) as RedisSubscribeOptions;
  validateSubscription(options.name ?? destination, own, options.batch !== undefined);
}

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
    );
    log.to = this.logger;
  }

  override subscriber<const O extends SubscriberOptions & RedisSubscribeOptions>(destination: string, options?: O): SubscriberBuilder<BodyOf<O>, HasSchema<O>> {
    checkSubscriber(destination, options);
    return super.subscriber(destination, options);
  }
}

export class RedisRouter extends Router<"redis", RedisSubscribeOptions, RedisPublishOptions> {
  constructor(options: RouterOptions<"redis"> = {}) {
    super("redis", options);
  }

  override subscriber<const O extends SubscriberOptions & RedisSubscribeOptions>(destination: string, options?: O): SubscriberBuilder<BodyOf<O>, HasSchema<O>> {
    checkSubscriber(destination, options);
    return super.subscriber(destination, options);
  }
}
