import { randomUUID } from "node:crypto";
import {
  NotConnectedError,
  type DeliveryHandler,
  type IncomingMessage,
  type Logger,
  type PublishCommand,
  type SubscriptionSpec,
  type Transport,
  type TransportCapabilities,
  type TransportSubscription,
} from "../core/index.js";
import { DEFAULT_URL, RabbitConnection } from "./connection.js";
import { RabbitConsumer } from "./consumer.js";
import type { RabbitRawMessage } from "./message.js";
import type { RabbitBrokerOptions, RabbitPublishOptions, RabbitSubscribeOptions } from "./options.js";
import { RabbitPublisher } from "./publisher.js";
import { RabbitRequests } from "./requests.js";
import { subscriptionPlan } from "./topology.js";
import { parseServer, type ServerAddress } from "../core/index.js";

const capabilities: TransportCapabilities = {
  requestReply: "native",
  // A batch is published message by message on one confirm channel, confirmed together.
  batchPublish: true,
  batchConsume: false,
  consumerGroups: true,
  redelivery: true,
};

/** Translates between core and amqplib: connection, publisher (confirms), requests (direct reply-to), consumers. */
export class RabbitTransport implements Transport<RabbitSubscribeOptions, RabbitPublishOptions, RabbitRawMessage> {
  readonly kind = "rabbit";
  readonly capabilities = capabilities;
  readonly connection: RabbitConnection;
  readonly #publisher: RabbitPublisher;
  readonly #requests: RabbitRequests;
  readonly #consumers = new Set<RabbitConsumer>();
  readonly #options: RabbitBrokerOptions;
  readonly #logger: () => Logger;

  /** For telemetry. */
  readonly server: ServerAddress;

  constructor(options: RabbitBrokerOptions, logger: () => Logger) {
    this.#options = options;
    const url = options.url ?? DEFAULT_URL;
    this.server = typeof url === "string" ? parseServer(url, 5672) : { address: url.hostname ?? "localhost", port: url.port ?? 5672 };
    this.#logger = logger;
    this.connection = new RabbitConnection(options, logger);
    this.#publisher = new RabbitPublisher(this.connection);
    this.#requests = new RabbitRequests(this.connection, this.#publisher);
  }

  async connect(): Promise<void> {
    await this.connection.open();
    // Registered before any consumer: channels and declarations are reset before subscriptions restore.
    this.connection.onReopen(async () => {
      this.#publisher.reopened();
      this.#requests.reopened();
    });
  }

  async close(): Promise<void> {
    // Stopped subscriptions too: their channels may still be closing behind the last acks (RabbitConsumer.close).
    await Promise.allSettled([...this.#consumers].map((consumer) => consumer.close()));
    this.#consumers.clear();
    await this.connection.close();
    this.#requests.close();
  }

  async subscribe(spec: SubscriptionSpec<RabbitSubscribeOptions>, handler: DeliveryHandler<RabbitRawMessage>): Promise<TransportSubscription> {
    const prefetch = spec.options.prefetch ?? this.#options.prefetch ?? Math.max(16, spec.concurrency * 2);
    const consumer = new RabbitConsumer(this.connection, this.#publisher, spec, subscriptionPlan(spec.destination, spec.options), prefetch, handler, this.#logger);
    await consumer.start();
    this.#consumers.add(consumer);
    return {
      // The consumer stays known until close(): its channel closes once its handlers have settled.
      stop: () => consumer.stop(),
    };
  }

  publish(command: PublishCommand<RabbitPublishOptions>): Promise<void> {
    return this.#whileOpen("publish", this.#publisher.publish(command));
  }

  request(command: PublishCommand<RabbitPublishOptions>, signal: AbortSignal): Promise<IncomingMessage<RabbitRawMessage>> {
    return this.#whileOpen("wait for a reply", this.#requests.request(command, signal));
  }

  /** An operation cut short by close() (a channel closing under it) fails as NotConnectedError, not as amqplib's "Channel closed". */
  async #whileOpen<T>(operation: string, work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      if (this.connection.closed && !(error instanceof NotConnectedError)) throw new NotConnectedError(operation, "rabbit (closing)");
      throw error;
    }
  }

  /** Not used (request/reply is native); a queue name no one else has, for completeness of the port. */
  createInboxName(): string {
    return `postline.inbox.${randomUUID()}`;
  }
}
