import type { Channel, ConfirmChannel, Message } from "amqplib";
import type { PublishCommand } from "../core/index.js";
import type { RabbitConnection } from "./connection.js";
import { UnroutableError } from "./errors.js";
import { contentOf, publishProperties } from "./message.js";
import type { ExchangeSpec, RabbitPublishOptions } from "./options.js";
import { publishTarget, type PublishTarget } from "./topology.js";

/** Why the server closed a channel (`404 NOT_FOUND - no exchange ...`): amqplib tells pending confirms only "channel closed". */
const closeReasons = new WeakMap<Channel, Error>();

/** Lazily (re)opened channel: a channel the server closed (a refused declaration, a 404) is replaced on next use. */
export class ChannelSlot<T extends Channel> {
  #channel: Promise<T> | undefined;
  constructor(private readonly open: () => Promise<T>) {}

  get(): Promise<T> {
    this.#channel ??= this.open().then(
      (channel) => {
        channel.on("close", () => {
          if (this.#channel === opened) this.#channel = undefined;
        });
        return channel;
      },
      (error: unknown) => {
        this.#channel = undefined;
        throw error;
      },
    );
    const opened = this.#channel;
    return opened;
  }

  reset(): void {
    this.#channel = undefined;
  }
}

/**
 * Publishes with publisher confirms: `publish()` resolves once RabbitMQ has taken responsibility for every
 * message (and rejects when it nacks, or returns a `mandatory` one). Declarations go through a channel of
 * their own, so a refused declaration never closes the channel that carries publishes.
 */
export class RabbitPublisher {
  readonly #confirm: ChannelSlot<ConfirmChannel>;
  readonly #topology: ChannelSlot<Channel>;
  /** Exchanges declared on the current connection. */
  #declared = new Map<string, Promise<void>>();
  /** Message ids of mandatory publishes RabbitMQ returned; a return always precedes the confirm. */
  readonly #returned = new Map<string, Message>();

  constructor(private readonly connection: RabbitConnection) {
    this.#confirm = new ChannelSlot(async () => {
      const channel = await connection.createConfirmChannel();
      channel.on("error", (error: Error) => closeReasons.set(channel, error));
      channel.on("return", (message: Message) => {
        const id = message.properties.messageId as string | undefined;
        if (id !== undefined) this.#returned.set(id, message);
      });
      return channel;
    });
    this.#topology = new ChannelSlot(() => connection.createChannel());
  }

  /** After a reconnection every channel and every declaration is new. */
  reopened(): void {
    this.#confirm.reset();
    this.#topology.reset();
    this.#declared = new Map();
  }

  topologyChannel(): Promise<Channel> {
    return this.#topology.get();
  }

  ensureExchange(spec: ExchangeSpec): Promise<void> {
    let declared = this.#declared.get(spec.name);
    if (declared === undefined) {
      declared = (async () => {
        const channel = await this.#topology.get();
        await channel.assertExchange(spec.name, spec.type ?? "direct", {
          durable: spec.durable ?? false,
          autoDelete: spec.autoDelete ?? false,
          ...(spec.arguments === undefined ? {} : { arguments: spec.arguments }),
        });
      })();
      const attempt = declared;
      this.#declared.set(spec.name, attempt);
      attempt.catch(() => this.#declared.get(spec.name) === attempt && this.#declared.delete(spec.name));
    }
    return declared;
  }

  async publish(command: PublishCommand<RabbitPublishOptions>): Promise<void> {
    const target = publishTarget(command);
    if (target.declare !== undefined) await this.ensureExchange(target.declare);
    const channel = await this.#confirm.get();
    await Promise.all(command.messages.map((message) => this.#send(channel, target, contentOf(message), publishProperties(command, message))));
  }

  #send(channel: ConfirmChannel, target: PublishTarget, content: Buffer, properties: ReturnType<typeof publishProperties>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const id = properties.messageId;
      try {
        channel.publish(target.exchange, target.routingKey, content, properties, (error: unknown) => {
          const returned = id === undefined ? undefined : this.#returned.get(id);
          if (returned !== undefined) this.#returned.delete(id!);
          if (error !== null && error !== undefined) reject(closeReasons.get(channel) ?? (error instanceof Error ? error : new Error(`RabbitMQ did not confirm the publish to "${target.exchange}"`)));
          else if (returned !== undefined) reject(new UnroutableError(target.exchange, target.routingKey, (returned.fields as { replyText?: string }).replyText ?? "NO_ROUTE"));
          else resolve();
        });
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }
}
