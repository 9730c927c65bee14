import type { Msg, NatsConnection } from "@nats-io/transport-node";
import {
  MessageTooLargeError,
  NoRespondersError,
  NotConnectedError,
  RequestTimeoutError,
  type DeliveryHandler,
  type IncomingMessage,
  type Logger,
  type OutgoingMessage,
  type PublishCommand,
  type SubscriptionSpec,
  type Transport,
  type TransportCapabilities,
  type TransportSubscription,
} from "../core/index.js";
import { nats } from "./client.js";
import { NatsError } from "./errors.js";
import { JetStream } from "./jetstream.js";
import { toIncoming, toNatsHeaders, type NatsRaw } from "./message.js";
import type { NatsBrokerOptions, NatsCoreSubscribeOptions, NatsJetStreamPublishOptions, NatsJetStreamSubscribeOptions, NatsPublishOptions, NatsSubscribeOptions } from "./options.js";
import { validateSubject } from "./subscribe-check.js";
import { subscribeCore, subscribeJetStream } from "./subscriber.js";
import { parseServer, type ServerAddress } from "../core/index.js";

const common = { requestReply: "native", batchPublish: true, batchConsume: true, consumerGroups: true } as const;

/**
 * Per subscription kind: core subjects are at-most-once (a nack is a no-op, nothing comes back); JetStream
 * consumers redeliver. The transport as a whole reports JetStream's, the most it can do.
 */
export const natsCapabilities: Readonly<Record<"core" | "jetstream", TransportCapabilities>> = {
  core: { ...common, redelivery: false },
  jetstream: { ...common, redelivery: true },
};

interface PendingRequest {
  /** Stop listening to NATS: the connection is closing and will fail the request its own way. */
  detach(): void;
  fail(error: Error): void;
}

export interface NatsTransportSettings {
  readonly servers: readonly string[];
  readonly options: NatsBrokerOptions;
  readonly logger: () => Logger;
}

/** Translates between core and NATS.js: core subjects, JetStream, native request/reply. */
export class NatsTransport implements Transport<NatsSubscribeOptions, NatsPublishOptions, NatsRaw> {
  readonly kind = "nats";
  readonly capabilities = natsCapabilities.jetstream;
  #nc: NatsConnection | undefined;
  #jetstream: Promise<JetStream> | undefined;
  /** Requests waiting for a reply: closing fails them. */
  readonly #pending = new Set<PendingRequest>();

  /** The first configured server, for telemetry. */
  readonly server: ServerAddress;

  constructor(private readonly settings: NatsTransportSettings) {
    this.server = parseServer(settings.servers[0] ?? "127.0.0.1:4222", 4222);
  }

  capabilitiesOf(kind: "core" | "jetstream"): TransportCapabilities {
    return natsCapabilities[kind];
  }

  /** The open connection, for what Postline does not wrap (key-value buckets, object stores, monitoring). */
  get connection(): NatsConnection | undefined {
    return this.#nc;
  }

  async connect(): Promise<void> {
    const { connection, jetstream } = this.settings.options;
    try {
      const nc = await nats.connect({ timeout: 5_000, ...connection, servers: [...this.settings.servers] });
      this.#nc = nc;
      // Once NATS.js gives up reconnecting every subscription is gone: say so instead of going quiet.
      void nc.closed().then((error) => {
        if (error && this.#nc === nc) this.settings.logger().error(`the connection to the NATS server at ${this.settings.servers.join(", ")} closed`, { error });
      });
    } catch (error) {
      throw new NatsError(`cannot connect to the NATS server at ${this.settings.servers.join(", ")}: ${String(error)}`, { cause: error });
    }
    try {
      for (const stream of jetstream?.streams ?? []) await (await this.#js()).declareStream(stream);
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    // Requests still waiting are failed with NotConnectedError once the connection is gone; NATS's own
    // rejection of them while it closes is ignored, so the caller sees why.
    const waiting = [...this.#pending];
    this.#pending.clear();
    for (const request of waiting) request.detach();
    const nc = this.#nc;
    this.#nc = undefined;
    this.#jetstream = undefined;
    if (nc !== undefined && !nc.isClosed()) {
      // Draining waits for the server; while the client is reconnecting that can take as long as its retries.
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), 5_000)));
      const drained = nc.drain().then(() => "drained" as const, () => "failed" as const);
      if ((await Promise.race([drained, timedOut])) !== "drained") await nc.close().catch(() => undefined);
      clearTimeout(timer);
    }
    const closing = new NotConnectedError("wait for a reply", "nats (closing)");
    for (const request of waiting) request.fail(closing);
  }

  async subscribe(spec: SubscriptionSpec<NatsSubscribeOptions>, handler: DeliveryHandler<NatsRaw>): Promise<TransportSubscription> {
    const nc = this.#connection("subscribe");
    // The options were checked at registration; the whole subject (router prefixes included) only now.
    validateSubject(`subscriber "${spec.name}"`, spec.destination);
    const jetstream = spec.options.jetstream;
    if (jetstream === undefined) return subscribeCore(nc, spec as SubscriptionSpec<NatsCoreSubscribeOptions>, handler, this.settings.logger());
    return subscribeJetStream(await this.#js(), nc, spec as SubscriptionSpec<NatsJetStreamSubscribeOptions>, handler, this.settings.logger(), () => this.createInboxName());
  }

  async publish(command: PublishCommand<NatsPublishOptions>): Promise<void> {
    const nc = this.#connection("publish");
    const jetstream = this.#jetstreamPublish(command);
    if (jetstream !== undefined) {
      const js = await this.#js();
      await Promise.all(
        command.messages.map((message) => js.publish(command.destination, message.body, toNatsHeaders(message), message.messageId, jetstream)),
      );
      return;
    }
    for (const message of command.messages) {
      try {
        // NATS.js sends the bytes on the next tick: a copy keeps the caller free to reuse its buffer at once.
        nc.publish(command.destination, message.body.slice(), { headers: toNatsHeaders(message), ...(command.replyTo === undefined ? {} : { reply: command.replyTo }) });
      } catch (error) {
        throw translatePublishError(error, message, nc);
      }
    }
  }

  async request(command: PublishCommand<NatsPublishOptions>, signal: AbortSignal): Promise<IncomingMessage<NatsRaw>> {
    const nc = this.#connection("send a request");
    const message = command.messages[0]!;
    const timeout = command.timeoutMs ?? this.settings.options.requestTimeoutMs ?? 30_000;
    const jetstream = this.#jetstreamPublish(command);
    const reply =
      jetstream === undefined
        ? nc.request(command.destination, message.body.slice(), { timeout, headers: toNatsHeaders(message) })
        : this.#requestThroughJetStream(nc, command.destination, message, jetstream, timeout);
    try {
      return toIncoming(await this.#untilReplyOrClose(reply, signal));
    } catch (error) {
      throw translateRequestError(error, command.destination, timeout, message, nc);
    }
  }

  createInboxName(): string {
    return nats.createInbox(this.settings.options.connection?.inboxPrefix);
  }

  /**
   * A request to a JetStream subject cannot use the NATS reply subject (the stream would answer it with its
   * acknowledgement): the inbox travels in the `reply_to` header, as FastStream does.
   */
  async #requestThroughJetStream(nc: NatsConnection, subject: string, message: OutgoingMessage, options: NatsJetStreamPublishOptions, timeout: number): Promise<Msg> {
    const inbox = this.createInboxName();
    const subscription = nc.subscribe(inbox, { max: 1, timeout });
    try {
      await (await this.#js()).publish(subject, message.body, toNatsHeaders(message, inbox), message.messageId, options);
      for await (const reply of subscription) return reply;
      throw new NotConnectedError("wait for a reply", "nats (closing)");
    } finally {
      subscription.unsubscribe();
    }
  }

  #untilReplyOrClose<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let detached = false;
      const request: PendingRequest = {
        detach: () => {
          detached = true;
        },
        fail: (error) => {
          done();
          reject(error);
        },
      };
      const done = (): void => {
        signal.removeEventListener("abort", onAbort);
        this.#pending.delete(request);
      };
      const onAbort = (): void => request.fail(signal.reason as Error);
      signal.addEventListener("abort", onAbort, { once: true });
      this.#pending.add(request);
      // A reply (or NATS's own timeout) after an abort is still observed here, never left unhandled.
      work.then(
        (value) => {
          if (detached) return;
          done();
          resolve(value);
        },
        (error: unknown) => {
          if (detached) return;
          request.fail(error as Error);
        },
      );
    });
  }

  #jetstreamPublish(command: PublishCommand<NatsPublishOptions>): NatsJetStreamPublishOptions | undefined {
    if (command.kind === "reply") return undefined;
    const choice = command.options?.jetstream ?? this.settings.options.jetstream?.publish ?? false;
    if (choice === false) return undefined;
    return choice === true ? {} : choice;
  }

  #js(): Promise<JetStream> {
    const nc = this.#connection("use JetStream");
    if (this.#jetstream === undefined) {
      const opening = JetStream.open(nc, this.settings.options.jetstream ?? {});
      this.#jetstream = opening;
      opening.catch(() => {
        if (this.#jetstream === opening) this.#jetstream = undefined;
      });
    }
    return this.#jetstream;
  }

  #connection(operation: string): NatsConnection {
    if (this.#nc === undefined || this.#nc.isClosed()) throw new NotConnectedError(operation, "nats");
    return this.#nc;
  }
}

function translatePublishError(error: unknown, message: OutgoingMessage, nc: NatsConnection): unknown {
  if (error instanceof Error && /max_payload/.test(error.message)) {
    return new MessageTooLargeError(`a ${message.body.byteLength}-byte message exceeds the NATS server's max_payload of ${nc.info?.max_payload ?? "?"} bytes`, { cause: error });
  }
  return error;
}

function translateRequestError(error: unknown, destination: string, timeout: number, message: OutgoingMessage, nc: NatsConnection): unknown {
  const causes = [error, (error as { cause?: unknown } | undefined)?.cause];
  if (causes.some((cause) => cause instanceof nats.NoRespondersError) || (error instanceof nats.RequestError && error.isNoResponders())) {
    return new NoRespondersError(destination);
  }
  if (causes.some((cause) => cause instanceof nats.TimeoutError)) return new RequestTimeoutError(destination, timeout);
  return translatePublishError(error, message, nc);
}
