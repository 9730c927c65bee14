import type { Channel, ConsumeMessage, Message } from "amqplib";
import { NoRespondersError, NotConnectedError, REQUEST_ID_HEADER, type IncomingMessage, type PublishCommand } from "../core/index.js";
import type { RabbitConnection } from "./connection.js";
import { contentOf, publishProperties, toIncoming, type RabbitRawMessage } from "./message.js";
import type { RabbitPublishOptions } from "./options.js";
import { ChannelSlot, type RabbitPublisher } from "./publisher.js";
import { publishTarget } from "./topology.js";

/** RabbitMQ's direct reply-to pseudo-queue: replies come straight back on the requesting channel, no queue declared. */
export const DIRECT_REPLY_TO = "amq.rabbitmq.reply-to";

interface Pending {
  readonly correlationId: string;
  readonly destination: string;
  resolve(message: IncomingMessage<RabbitRawMessage>): void;
  reject(error: Error): void;
}

/**
 * Native request/reply: one channel consumes `amq.rabbitmq.reply-to` (no ack) and publishes the requests with
 * `mandatory`, so a request that no queue receives fails at once with `NoRespondersError`. Replies are matched
 * by the request id a Postline responder echoes, else by correlation id (FastStream responders).
 */
export class RabbitRequests {
  readonly #pending = new Map<string, Pending>();
  readonly #channel: ChannelSlot<Channel>;

  constructor(connection: RabbitConnection, private readonly publisher: RabbitPublisher) {
    this.#channel = new ChannelSlot(async () => {
      const channel = await connection.createChannel();
      channel.on("return", (message: Message) => {
        const pending = this.#take(message.properties.messageId as string | undefined);
        pending?.reject(new NoRespondersError(pending.destination));
      });
      // A lost channel fails its waiting requests; on close() the transport fails them last (see close()).
      channel.on("close", () => connection.closed || this.#failAll(new NotConnectedError("wait for a reply", "rabbit (channel closed)")));
      await channel.consume(DIRECT_REPLY_TO, (message) => message !== null && this.#reply(message), { noAck: true });
      return channel;
    });
  }

  reopened(): void {
    this.#channel.reset();
  }

  async request(command: PublishCommand<RabbitPublishOptions>, signal: AbortSignal): Promise<IncomingMessage<RabbitRawMessage>> {
    const target = publishTarget(command);
    if (target.declare !== undefined) await this.publisher.ensureExchange(target.declare);
    const channel = await this.#channel.get();
    const message = command.messages[0]!;
    command.replyTo = DIRECT_REPLY_TO;
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.#pending.delete(message.messageId);
        reject(signal.reason as Error);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      const settle = <T>(fn: (value: T) => void) => (value: T): void => {
        signal.removeEventListener("abort", onAbort);
        fn(value);
      };
      this.#pending.set(message.messageId, { correlationId: message.correlationId, destination: command.destination, resolve: settle(resolve), reject: settle(reject) });
      try {
        channel.publish(target.exchange, target.routingKey, contentOf(message), publishProperties(command, message, { mandatory: true }));
      } catch (error) {
        this.#take(message.messageId)?.reject(error as Error);
      }
    });
  }

  /** Called once the connection is closed, so callers see the rejection in the same tick as close() resolving. */
  close(): void {
    this.#failAll(new NotConnectedError("wait for a reply", "rabbit (closing)"));
  }

  #reply(message: ConsumeMessage): void {
    const requestId = message.properties.headers?.[REQUEST_ID_HEADER] as unknown;
    const id = typeof requestId === "string" || Buffer.isBuffer(requestId) ? String(requestId) : undefined;
    let pending = id === undefined ? undefined : this.#take(id);
    if (pending === undefined) {
      const correlationId = message.properties.correlationId as string | undefined;
      for (const [key, candidate] of this.#pending) {
        if (candidate.correlationId === correlationId) {
          pending = this.#take(key);
          break;
        }
      }
    }
    // A reply nobody waits for any more (the caller timed out) is dropped.
    pending?.resolve(toIncoming({ message, queue: DIRECT_REPLY_TO, anonymous: true }, message.fields.routingKey, 1));
  }

  #take(id: string | undefined): Pending | undefined {
    if (id === undefined) return undefined;
    const pending = this.#pending.get(id);
    this.#pending.delete(id);
    return pending;
  }

  #failAll(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
