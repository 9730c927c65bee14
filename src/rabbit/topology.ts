import type { PublishCommand } from "../core/index.js";
import type { DeadLetter, ExchangeRef, ExchangeSpec, RabbitPublishOptions, RabbitSubscribeOptions } from "./options.js";

/**
 * Where Postline destinations live. RabbitMQ's default exchange delivers a message to exactly one queue, so
 * it cannot give both "every subscriber without a group gets every message" and "a group's members compete".
 * A destination is therefore a durable topic exchange of the same name (Spring Cloud Stream's mapping):
 * each group is a queue bound to it, and each subscriber without a group has its own exclusive queue. The
 * FastStream model (destination = queue, default exchange) stays one option away: `queue` / `exchange`.
 */
export function destinationExchange(name: string): ExchangeSpec {
  return { name, type: "topic", durable: true };
}

/** Where a publish goes: exchange, routing key, and the exchange to declare first (if any). */
export interface PublishTarget {
  readonly exchange: string;
  readonly routingKey: string;
  readonly declare: ExchangeSpec | undefined;
}

export function exchangeName(exchange: ExchangeRef): string {
  return typeof exchange === "string" ? exchange : exchange.name;
}

/** A declared exchange spec for an object reference; names are assumed to exist (FastStream declares, we don't guess a type). */
export function exchangeToDeclare(exchange: ExchangeRef | undefined): ExchangeSpec | undefined {
  return typeof exchange === "object" && exchange.name !== "" ? exchange : undefined;
}

export function publishTarget(command: PublishCommand<RabbitPublishOptions>): PublishTarget {
  // Replies go to the requester's reply queue (`amq.rabbitmq.reply-to.*` or a queue name) on the default exchange.
  if (command.kind === "reply") return { exchange: "", routingKey: command.destination, declare: undefined };
  const options = command.options;
  if (options.exchange !== undefined) {
    return { exchange: exchangeName(options.exchange), routingKey: command.destination, declare: exchangeToDeclare(options.exchange) };
  }
  return { exchange: command.destination, routingKey: options.routingKey ?? "", declare: destinationExchange(command.destination) };
}

/** What a subscription declares and consumes. */
export interface SubscriptionPlan {
  /** `""`: a server-named queue. */
  readonly queue: string;
  /** Server-named and private to this subscriber: left out of span names (it would make them unique). */
  readonly anonymous: boolean;
  readonly durable: boolean;
  readonly exclusive: boolean;
  readonly autoDelete: boolean;
  readonly arguments: Record<string, unknown>;
  readonly exchanges: readonly ExchangeSpec[];
  readonly binding: { readonly exchange: string; readonly routingKey: string; readonly arguments?: Record<string, unknown> } | undefined;
}

function deadLetterArguments(deadLetter: DeadLetter | undefined): { args: Record<string, unknown>; exchanges: ExchangeSpec[] } {
  if (deadLetter === undefined) return { args: {}, exchanges: [] };
  if (typeof deadLetter === "string") return { args: { "x-dead-letter-exchange": deadLetter }, exchanges: [destinationExchange(deadLetter)] };
  const args: Record<string, unknown> = { "x-dead-letter-exchange": deadLetter.exchange };
  if (deadLetter.routingKey !== undefined) args["x-dead-letter-routing-key"] = deadLetter.routingKey;
  return { args, exchanges: [] };
}

export function subscriptionPlan(destination: string, options: RabbitSubscribeOptions): SubscriptionPlan {
  const deadLetter = deadLetterArguments(options.deadLetter);
  if (options.queue !== undefined || options.exchange !== undefined) {
    const queue = options.queue === true || options.queue === undefined ? {} : options.queue;
    const exchange = options.exchange === undefined ? "" : exchangeName(options.exchange);
    const declared = exchangeToDeclare(options.exchange);
    return {
      queue: destination,
      anonymous: false,
      durable: queue.durable ?? false,
      exclusive: queue.exclusive ?? false,
      autoDelete: queue.autoDelete ?? false,
      arguments: { ...queue.arguments, ...deadLetter.args },
      exchanges: declared === undefined ? deadLetter.exchanges : [declared, ...deadLetter.exchanges],
      binding: exchange === "" ? undefined : { exchange, routingKey: options.routingKey ?? destination, ...(options.bindArguments === undefined ? {} : { arguments: options.bindArguments }) },
    };
  }
  const grouped = options.group !== undefined;
  return {
    queue: grouped ? `${destination}.${options.group}` : "",
    anonymous: !grouped,
    durable: grouped,
    exclusive: !grouped,
    autoDelete: !grouped,
    arguments: { ...options.queueArguments, ...deadLetter.args },
    exchanges: [destinationExchange(destination), ...deadLetter.exchanges],
    binding: { exchange: destination, routingKey: options.routingKey ?? "#" },
  };
}

// ---- names, per the messaging conventions' rabbitmq.md and FastStream ---------------------------------------

/** Send side: `{exchange}:{routing key}`, only one of them when the other is empty, `amq.default` when both are. */
export function sendDestinationName(exchange: string, routingKey: string): string {
  if (exchange !== "" && routingKey !== "") return `${exchange}:${routingKey}`;
  return exchange || routingKey || "amq.default";
}

/** Receive side: `{exchange}:{routing key}:{queue}`, empties left out, a routing key equal to the queue said once. */
export function receiveDestinationName(exchange: string, routingKey: string, queue: string): string {
  const parts = [exchange, routingKey, routingKey === queue ? "" : queue].filter((part) => part !== "");
  return parts.length === 0 ? "amq.default" : parts.join(":");
}

/** FastStream's `"{exchange or 'default'}.{routing key}"`. */
export function faststreamName(exchange: string, routingKey: string): string {
  return `${exchange || "default"}.${routingKey}`;
}
