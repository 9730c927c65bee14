import { randomUUID } from "node:crypto";
import type { Redis, RedisOptions } from "ioredis";
import {
  DeliveryQueue,
  DropReporter,
  NoRespondersError,
  NotConnectedError,
  type DeliveryHandler,
  type Logger,
  type PublishCommand,
  type Settlement,
  type SubscriptionSpec,
  type Transport,
  type TransportCapabilities,
  type TransportSubscription,
} from "../core/index.js";
import { closeConnection, describeAddress, openConnection } from "./connection.js";
import type { MessageFormat } from "./envelope.js";
import { ListPoller } from "./list.js";
import { encodeOutgoing, STREAM_DATA_FIELD, toIncoming, type RedisRawMessage } from "./message.js";
import { validateSubscription, type RedisKind, type RedisPublishOptions, type RedisSubscribeOptions } from "./options.js";
import type { Poller } from "./poller.js";
import { ChannelSubscriptions, type ChannelMember } from "./pubsub.js";
import { StreamPoller } from "./stream.js";
import { parseServer, type ServerAddress } from "../core/index.js";

// What the transport as a whole can do; each subscription kind can do a part (`redisCapabilities(kind)`).
const capabilities: TransportCapabilities = { requestReply: "inbox", batchPublish: true, batchConsume: true, consumerGroups: true, redelivery: true };

export interface RedisTransportSettings {
  readonly url: URL;
  readonly connection: RedisOptions | undefined;
  readonly format: MessageFormat;
  readonly defaultPublishKind: RedisKind;
  readonly logger: () => Logger;
}

/** Translates between core and Redis: one connection for commands, one for pub/sub, one per list or stream consumer. */
export class RedisTransport implements Transport<RedisSubscribeOptions, RedisPublishOptions, RedisRawMessage> {
  readonly kind = "redis";
  readonly capabilities = capabilities;
  readonly #settings: RedisTransportSettings;
  #main: Redis | undefined;
  #channels: ChannelSubscriptions | undefined;
  readonly #stops = new Set<(closing: boolean) => Promise<void>>();

  /** For telemetry. */
  readonly server: ServerAddress;

  constructor(settings: RedisTransportSettings) {
    this.#settings = settings;
    this.server = parseServer(settings.url.href, 6379);
  }

  /** The address, for messages: `host:port`. */
  get address(): string {
    return describeAddress(this.#settings.url);
  }

  async connect(): Promise<void> {
    const open = (role: string) => openConnection({ url: this.#settings.url, options: this.#settings.connection, logger: this.#settings.logger }, role);
    this.#main = await open("main");
    this.#channels = new ChannelSubscriptions(() => open("pubsub"));
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#stops].map((stop) => stop(true)));
    this.#stops.clear();
    const pubsub = await this.#channels?.close();
    // Every command core started has completed by now (handlers drained, settlements awaited): the QUITs
    // need no waiting, and close() resolves without another round trip.
    if (pubsub !== undefined) void closeConnection(pubsub);
    if (this.#main !== undefined) void closeConnection(this.#main);
    this.#main = undefined;
  }

  async subscribe(spec: SubscriptionSpec<RedisSubscribeOptions>, handler: DeliveryHandler<RedisRawMessage>): Promise<TransportSubscription> {
    const main = this.#connected("subscribe");
    const options = spec.options;
    validateSubscription(spec.name, options, spec.batch !== undefined);
    let stop: (closing: boolean) => Promise<void>;
    if (options.kind === "list" || options.kind === "stream") {
      const deps = { main, open: (role: string) => openConnection({ url: this.#settings.url, options: this.#settings.connection, logger: this.#settings.logger }, role), logger: this.#settings.logger };
      const poller: Poller =
        options.kind === "list" ? new ListPoller(deps, spec, handler, options, this.#settings.format) : new StreamPoller(deps, spec, handler, options, this.#settings.format);
      await poller.start();
      stop = () => poller.stop();
    } else {
      const drops = new DropReporter(spec, options.maxPending, "pub/sub", (message, fields) => this.#settings.logger().warn(message, fields));
      const onSettle = (settlement: Settlement): void => {
        if (settlement.kind === "nack" && settlement.requeue) {
          this.#settings.logger().warn("Redis pub/sub cannot redeliver: the nack changes nothing (use a list or a stream)", { destination: spec.destination });
        }
      };
      const settle = async (settlement: Settlement): Promise<void> => onSettle(settlement);
      const member: ChannelMember = new DeliveryQueue({ concurrency: spec.concurrency, drops, deliver: ([raw]) => handler({ messages: [toIncoming(raw!)], settle }) });
      const remove = await this.#channels!.add(spec.destination, options.pattern === true, member);
      stop = async (closing) => {
        await remove();
        if (!closing) await member.handedOver();
        drops.close();
        member.close();
        const dropped = member.takeQueued().length;
        if (dropped > 0) this.#settings.logger().warn(`closing dropped ${dropped} pub/sub messages that were not handled yet`, { destination: spec.destination });
      };
    }
    this.#stops.add(stop);
    return {
      stop: async () => {
        this.#stops.delete(stop);
        await stop(false);
      },
    };
  }

  async publish(command: PublishCommand<RedisPublishOptions>): Promise<void> {
    const main = this.#connected("publish");
    const destination = command.destination;
    const options = command.options;
    const kind = command.kind === "reply" ? "channel" : (options.kind ?? this.#settings.defaultPublishKind);
    const envelopes = command.messages.map((message) => encodeOutgoing(this.#settings.format, message, command.replyTo));
    if (kind === "list") {
      await main.rpush(destination, ...envelopes);
    } else if (kind === "stream") {
      const maxLen = options.kind === "stream" && options.maxLen !== undefined ? ["MAXLEN", "~", options.maxLen] : [];
      if (envelopes.length === 1) {
        await main.xadd(destination, ...(maxLen as ["MAXLEN", "~", number]), "*", STREAM_DATA_FIELD, envelopes[0]!);
      } else {
        const pipeline = main.pipeline();
        for (const data of envelopes) pipeline.xadd(destination, ...(maxLen as ["MAXLEN", "~", number]), "*", STREAM_DATA_FIELD, data);
        throwFirst(await pipeline.exec());
      }
    } else if (envelopes.length === 1) {
      const receivers = await main.publish(destination, envelopes[0]!);
      // PUBLISH counts the receiving connections: none means no responder will ever see the request.
      if (receivers === 0 && command.kind === "request") throw new NoRespondersError(destination);
    } else {
      const pipeline = main.pipeline();
      for (const data of envelopes) pipeline.publish(destination, data);
      throwFirst(await pipeline.exec());
    }
  }

  createInboxName(): string {
    return `postline.inbox.${randomUUID()}`;
  }

  #connected(operation: string): Redis {
    if (this.#main === undefined) throw new NotConnectedError(operation, `redis (${this.address})`);
    return this.#main;
  }
}

function throwFirst(results: [Error | null, unknown][] | null): void {
  const failed = results?.find(([error]) => error !== null)?.[0];
  if (failed) throw failed;
}
