import type { Options, SocketOptions } from "amqplib";
import { ConfigurationError, type BrokerOptions } from "../core/index.js";

export type ExchangeType = "direct" | "topic" | "fanout" | "headers";

/** An exchange to declare (`assertExchange`) before it is used. */
export interface ExchangeSpec {
  readonly name: string;
  /** Default `direct`, as in FastStream. */
  readonly type?: ExchangeType;
  /** Default false, as in FastStream. */
  readonly durable?: boolean;
  readonly autoDelete?: boolean;
  readonly arguments?: Record<string, unknown>;
}

/** A name is an exchange that must exist already (it is not declared); `""` is the default exchange. */
export type ExchangeRef = string | ExchangeSpec;

/** How the subscriber's queue is declared (FastStream's `RabbitQueue`; defaults as there). */
export interface QueueSpec {
  readonly durable?: boolean;
  readonly exclusive?: boolean;
  readonly autoDelete?: boolean;
  /** `x-message-ttl`, `x-max-priority`, `x-queue-type`, ... */
  readonly arguments?: Record<string, unknown>;
}

/** Where rejected messages go: a Postline destination (its exchange), or an exchange and routing key. */
export type DeadLetter = string | { readonly exchange: string; readonly routingKey?: string };

interface CommonSubscribeOptions {
  /** Unacknowledged messages RabbitMQ hands this subscriber ahead (basic.qos); default the broker's `prefetch`. */
  readonly prefetch?: number;
  /** Rejected (and nacked-without-requeue, or past core's `maxDeliveries`) messages are dead-lettered here (`x-dead-letter-exchange`). */
  readonly deadLetter?: DeadLetter;
  /** RabbitMQ consumer priority (`x-priority`). */
  readonly consumerPriority?: number;
}

/**
 * Postline destinations (the default): the destination is a durable topic exchange of that name. Subscribers
 * that share a `group` share one durable queue `{destination}.{group}` (competing consumers); a subscriber
 * without a group gets its own exclusive, server-named queue, so every such subscriber gets every message.
 */
export interface DestinationSubscribeOptions extends CommonSubscribeOptions {
  readonly group?: string;
  /** Binding key on the destination's topic exchange (default `#`: everything). */
  readonly routingKey?: string;
  /** Extra arguments of the queue this subscriber declares (`x-expires`, `x-queue-type`, ...). */
  readonly queueArguments?: Record<string, unknown>;
  readonly queue?: never;
  readonly exchange?: never;
}

/**
 * FastStream-style: the destination is a queue name. The queue is declared with `queue`, and bound to
 * `exchange` with `routingKey` (default: the queue name) unless that is the default exchange. Consumers of
 * one queue compete: the queue is the group.
 */
export interface QueueSubscribeOptions extends CommonSubscribeOptions {
  readonly queue: QueueSpec | true;
  readonly exchange?: ExchangeRef;
  readonly routingKey?: string;
  /** Binding arguments (headers exchanges: `x-match` and the header values). */
  readonly bindArguments?: Record<string, unknown>;
  readonly group?: never;
}

export type RabbitSubscribeOptions = DestinationSubscribeOptions | QueueSubscribeOptions;

export interface RabbitPublishOptions {
  /**
   * Without it the destination is a Postline destination (a topic exchange of that name). With it the
   * destination is the routing key on this exchange; `""` is the default exchange (destination = queue name).
   */
  readonly exchange?: ExchangeRef;
  /** Routing key on a Postline destination's exchange (default `""`). */
  readonly routingKey?: string;
  /** Unroutable messages fail the publish with `UnroutableError` instead of vanishing. */
  readonly mandatory?: boolean;
  /** Delivery mode 2 (default true: written to disk on durable queues). */
  readonly persistent?: boolean;
  readonly priority?: number;
  /** Per-message TTL in milliseconds. */
  readonly expiration?: number;
}

export interface RabbitBrokerOptions extends BrokerOptions<"rabbit"> {
  /** Default `amqp://guest:guest@127.0.0.1:5672`. */
  readonly url?: string | Options.Connect;
  /** Passed to amqplib; `noDelay` defaults to true (Nagle's algorithm costs ~40 ms per hop otherwise). */
  readonly socketOptions?: SocketOptions;
  /** Shown in the management UI and `rabbitmqctl list_connections user_provided_name`. */
  readonly connectionName?: string;
  /** Default prefetch of subscribers (default: 2 × concurrency, at least 16). */
  readonly prefetch?: number;
  /** Reconnect after a lost connection (default on), restoring subscriptions. */
  readonly reconnect?: false | { readonly initialDelayMs?: number; readonly maxDelayMs?: number };
}

const exchangeTypes: readonly string[] = ["direct", "topic", "fanout", "headers"];

function positiveInteger(name: string, value: unknown): void {
  if (value !== undefined && !(Number.isInteger(value) && (value as number) > 0)) {
    throw new ConfigurationError(`${name} must be a positive whole number, got ${JSON.stringify(value)}`);
  }
}

export function validateExchange(where: string, exchange: ExchangeRef | undefined): void {
  if (exchange === undefined || typeof exchange === "string") return;
  if (typeof exchange !== "object" || exchange === null || typeof exchange.name !== "string") {
    throw new ConfigurationError(`${where}: exchange must be a name or { name, type, durable }`);
  }
  if (exchange.type !== undefined && !exchangeTypes.includes(exchange.type)) {
    throw new ConfigurationError(`${where}: exchange type must be one of ${exchangeTypes.join(", ")}, got ${JSON.stringify(exchange.type)}`);
  }
}

export function validateSubscribeOptions(destination: string, options: Record<string, unknown>): void {
  const where = `subscriber "${destination}"`;
  const queueMode = options.queue !== undefined || options.exchange !== undefined;
  if (queueMode && options.group !== undefined) {
    throw new ConfigurationError(`${where}: group cannot be combined with queue/exchange (consumers of one queue already compete: the queue is the group)`);
  }
  if (options.group !== undefined && (typeof options.group !== "string" || options.group === "")) {
    throw new ConfigurationError(`${where}: group must be a non-empty string`);
  }
  positiveInteger(`${where}: prefetch`, options.prefetch);
  validateExchange(where, options.exchange as ExchangeRef | undefined);
  const deadLetter = options.deadLetter as DeadLetter | undefined;
  if (deadLetter !== undefined && (typeof deadLetter === "string" ? deadLetter === "" : typeof deadLetter?.exchange !== "string")) {
    throw new ConfigurationError(`${where}: deadLetter must be a destination or { exchange, routingKey }`);
  }
}

export function validateBrokerOptions(options: RabbitBrokerOptions): void {
  positiveInteger("prefetch", options.prefetch);
  const reconnect = options.reconnect;
  if (reconnect !== undefined && reconnect !== false) {
    positiveInteger("reconnect.initialDelayMs", reconnect.initialDelayMs);
    positiveInteger("reconnect.maxDelayMs", reconnect.maxDelayMs);
  }
}
