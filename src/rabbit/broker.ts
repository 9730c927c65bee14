import { Broker, Router, consoleLogger, type BodyOf, type Logger, type RouterOptions, type StandardSchemaV1, type SubscriberBuilder, type SubscriberOptions } from "../core/index.js";
import { validateBrokerOptions, validateSubscribeOptions, type RabbitBrokerOptions, type RabbitPublishOptions, type RabbitSubscribeOptions } from "./options.js";
import { RabbitTransport } from "./transport.js";

type HasSchema<O> = O extends { schema: StandardSchemaV1 } ? true : false;

/**
 * RabbitMQ through amqplib: Postline destinations (a topic exchange per destination, groups as queues),
 * FastStream-style queues and exchanges as options, publisher confirms, direct reply-to request/reply and
 * reconnection with subscriptions restored.
 */
export class RabbitBroker extends Broker<"rabbit", RabbitSubscribeOptions, RabbitPublishOptions> {
  readonly #transport: RabbitTransport;

  constructor(options: RabbitBrokerOptions = {}) {
    validateBrokerOptions(options);
    // The transport exists before the broker (and its logger): it reads the logger once it does.
    const log: { to?: Logger } = {};
    const transport = new RabbitTransport(options, () => (log.to ??= consoleLogger("info", "postline:rabbit")));
    super("rabbit", transport, options);
    log.to = this.logger;
    this.#transport = transport;
  }

  /** `amqp://host:port` of the server (without credentials). */
  get address(): string {
    return this.#transport.connection.address;
  }

  override subscriber<const O extends SubscriberOptions & RabbitSubscribeOptions>(destination: string, options?: O): SubscriberBuilder<BodyOf<O>, HasSchema<O>> {
    validateSubscribeOptions(destination, (options ?? {}) as Record<string, unknown>);
    return super.subscriber(destination, options);
  }
}

export class RabbitRouter extends Router<"rabbit", RabbitSubscribeOptions, RabbitPublishOptions> {
  constructor(options: RouterOptions<"rabbit"> = {}) {
    super("rabbit", options);
  }

  override subscriber<const O extends SubscriberOptions & RabbitSubscribeOptions>(destination: string, options?: O): SubscriberBuilder<BodyOf<O>, HasSchema<O>> {
    validateSubscribeOptions(destination, (options ?? {}) as Record<string, unknown>);
    return super.subscriber(destination, options);
  }
}
