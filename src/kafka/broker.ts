import { Broker, Router, type Logger, type RouterOptions } from "../core/index.js";
import { validateSubscribeOptions } from "../kafka-common/index.js";
import { resolveKafkaOptions, type KafkaBrokerOptions, type KafkaPublishOptions, type KafkaSubscribeOptions } from "./options.js";
import { KafkaTransport } from "./transport.js";


/**
 * Kafka through @platformatic/kafka: topics (or patterns) with consumer groups, keys and partitions, offsets
 * committed only for settled messages, batches both ways, request/reply over private inbox topics.
 */
export class KafkaBroker extends Broker<"kafka", KafkaSubscribeOptions, KafkaPublishOptions> {
  readonly #transport: KafkaTransport;

  constructor(options: KafkaBrokerOptions = {}) {
    const transport = new KafkaTransport(resolveKafkaOptions(options));
    super("kafka", transport, options, validateSubscribeOptions);
    const logger: Logger = this.logger;
    transport.onError = (message, error) => logger.error(message, { error });
    this.#transport = transport;
  }

  /** Resolves once every started subscriber's consumer has its partitions assigned and knows where to read. */
  waitForAssignment(timeoutMs?: number): Promise<void> {
    return this.#transport.assigned(timeoutMs);
  }
}

export class KafkaRouter extends Router<"kafka", KafkaSubscribeOptions, KafkaPublishOptions> {
  constructor(options: RouterOptions<"kafka"> = {}) {
    super("kafka", options, validateSubscribeOptions);
  }
}
