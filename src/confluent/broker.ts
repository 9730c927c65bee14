import { Broker, ConfigurationError, Router, type Logger, type RouterOptions, type SubscriptionCheck } from "../core/index.js";
import { validateSubscribeOptions } from "../kafka-common/index.js";
import { resolveConfluentOptions, type ConfluentBrokerOptions, type ConfluentPublishOptions, type ConfluentSubscribeOptions } from "./options.js";
import { ConfluentTransport } from "./transport.js";

/**
 * Kafka through librdkafka (@confluentinc/kafka-javascript): topics (or patterns) with consumer groups, keys and
 * partitions, offsets committed only for settled messages, batches both ways, request/reply over private inbox
 * topics. Behaves as `postline/kafka` (they share their Kafka translation); the client underneath differs.
 */
export class ConfluentBroker extends Broker<"confluent", ConfluentSubscribeOptions, ConfluentPublishOptions> {
  readonly #transport: ConfluentTransport;

  constructor(options: ConfluentBrokerOptions = {}) {
    const transport = new ConfluentTransport(resolveConfluentOptions(options));
    super("confluent", transport, options, validateConfluentSubscribeOptions);
    const logger: Logger = this.logger;
    transport.onError = (message, error) => logger.error(message, { error });
    this.#transport = transport;
  }

  /** Resolves once every started subscriber's consumer has its partitions assigned. */
  waitForAssignment(timeoutMs?: number): Promise<void> {
    return this.#transport.assigned(timeoutMs);
  }
}

export class ConfluentRouter extends Router<"confluent", ConfluentSubscribeOptions, ConfluentPublishOptions> {
  constructor(options: RouterOptions<"confluent"> = {}) {
    super("confluent", options, validateConfluentSubscribeOptions);
  }
}

/** The shared Kafka checks, plus what librdkafka's pattern subscriptions cannot express. */
const validateConfluentSubscribeOptions: SubscriptionCheck = (destination, record) => {
  const options = record as ConfluentSubscribeOptions;
  validateSubscribeOptions(destination, options);
  if (options.pattern instanceof RegExp && options.pattern.flags.replace("u", "") !== "") {
    throw new ConfigurationError(`Kafka subscriber of "${destination}": librdkafka takes no RegExp flags, got /${options.pattern.source}/${options.pattern.flags}`);
  }
};
