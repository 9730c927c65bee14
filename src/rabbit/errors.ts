import { PostlineError } from "../core/index.js";

/** RabbitMQ could not be reached (or refused the login): names the server, says what failed. */
export class RabbitConnectionError extends PostlineError {
  readonly address: string;
  constructor(address: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message || cause.constructor.name : String(cause);
    super(`Cannot connect to RabbitMQ at ${address}: ${reason}`, { cause });
    this.address = address;
  }
}

/** A `mandatory` publish that no queue was bound to receive (RabbitMQ returned it). */
export class UnroutableError extends PostlineError {
  readonly exchange: string;
  readonly routingKey: string;
  constructor(exchange: string, routingKey: string, replyText: string) {
    super(`RabbitMQ returned a mandatory message: no queue is bound to exchange "${exchange || "(default)"}" with routing key "${routingKey}" (${replyText})`);
    this.exchange = exchange;
    this.routingKey = routingKey;
  }
}

/** A settlement for a delivery whose channel is gone (connection lost): RabbitMQ redelivers the message. */
export class ChannelClosedError extends PostlineError {}
