import { Broker, Router, consoleLogger, type Logger, type RouterOptions } from "../core/index.js";
import { validateBrokerOptions, validateSubscribeOptions, type RabbitBrokerOptions, type RabbitPublishOptions, type RabbitSubscribeOptions } from "./options.js";
import { RabbitTransport } from "./transport.js";

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
    super("rabbit", transport, options, validateSubscribeOptions);
    log.to = this.logger;
    this.#transport = transport;
  }

  /** `amqp://host:port` of the server (without credentials). */
  get address(): string {
    return this.#transport.connection.address;
  }
}

export class RabbitRouter extends Router<"rabbit", RabbitSubscribeOptions, RabbitPublishOptions> {
  constructor(options: RouterOptions<"rabbit"> = {}) {
    super("rabbit", options, validateSubscribeOptions);
  }
}
