import { randomUUID } from "node:crypto";
import { parseServer, type DeliveryHandler, type PublishCommand, type ServerAddress, type SubscriptionSpec, type Transport, type TransportCapabilities, type TransportSubscription } from "../core/index.js";
import { DEAD_LETTER_FROM, DELIVERY_COUNT, recordHeaders, validatePublishOptions, type Inflight, type KafkaPublishOptions, type KafkaSubscribeOptions } from "../kafka/shared/index.js";
import { connectionError, createAdmin, createProducer, within, type ConfluentAdmin, type ConfluentProducer, type ConfluentRecord } from "./client.js";
import type { ResolvedConfluentOptions } from "./options.js";
import { ConfluentSubscription, type SubscriptionContext } from "./subscription.js";
import { confluentTelemetryProvider } from "./telemetry.js";

const capabilities: TransportCapabilities = {
  // Replies go to a private inbox topic of the requesting client, consumed by that client alone.
  requestReply: "inbox",
  batchPublish: true,
  batchConsume: true,
  consumerGroups: true,
  // A nacked record is handed over again before its partition's offset moves past it (see Dispatcher).
  redelivery: true,
};

type Headers = Record<string, Buffer>;
type OutgoingRecord = { key?: Buffer; value: Buffer | null; partition?: number; timestamp?: string; headers: Headers };

const bytes = (data: Uint8Array): Buffer => (Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));

/** Translates between core and @confluentinc/kafka-javascript: one producer, one consumer per subscription, an admin client. */
export class ConfluentTransport implements Transport<KafkaSubscribeOptions, KafkaPublishOptions, ConfluentRecord> {
  readonly kind = "confluent";
  readonly capabilities = capabilities;
  readonly telemetry = confluentTelemetryProvider;
  /** Where failures outside any caller go (the broker points it at its logger). */
  onError: (message: string, error: unknown) => void = () => {};
  readonly #options: ResolvedConfluentOptions;
  readonly #subscriptions = new Set<ConfluentSubscription>();
  readonly #inboxes = new Set<string>();
  readonly #topics = new Map<string, Promise<void>>();
  readonly #context: SubscriptionContext;
  #producer: ConfluentProducer | undefined;
  #admin: Promise<ConfluentAdmin> | undefined;
  /** The first bootstrap server, for telemetry (`server.address`, `server.port`). */
  readonly server: ServerAddress;

  constructor(options: ResolvedConfluentOptions) {
    this.#options = options;
    this.server = parseServer(options.bootstrap[0] ?? "127.0.0.1:9092", 9092);
    this.#context = {
      options,
      ensureTopics: (topics) => this.ensureTopics(topics),
      deadLetter: (target, records) => this.#deadLetter(target, records),
      cleanUp: (group, topic) => this.#cleanUp(group, topic),
      onError: (message, error) => this.onError(message, error),
    };
  }

  async connect(): Promise<void> {
    const producer = createProducer(this.#options);
    try {
      await within(producer.connect(), this.#options.connectTimeoutMs, "connecting");
    } catch (error) {
      void producer.disconnect().catch(() => undefined);
      throw connectionError(this.#options, "connect", error);
    }
    this.#producer = producer;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#subscriptions].map((subscription) => subscription.close()));
    this.#subscriptions.clear();
    await this.#producer?.disconnect().catch((error: unknown) => this.onError("could not close the producer", error));
    const admin = this.#admin;
    this.#producer = undefined;
    this.#admin = undefined;
    if (admin !== undefined) await (await admin.catch(() => undefined))?.disconnect().catch((error: unknown) => this.onError("could not close the admin client", error));
  }

  async subscribe(spec: SubscriptionSpec<KafkaSubscribeOptions>, handler: DeliveryHandler<ConfluentRecord>): Promise<TransportSubscription> {
    const subscription = new ConfluentSubscription(this.#context, spec, handler, this.#inboxes.has(spec.destination));
    this.#subscriptions.add(subscription);
    try {
      await subscription.start();
    } catch (error) {
      this.#subscriptions.delete(subscription);
      await subscription.close();
      throw error;
    }
    return {
      stop: async () => {
        await subscription.stop();
        this.#subscriptions.delete(subscription);
      },
    };
  }

  async publish(command: PublishCommand<KafkaPublishOptions>): Promise<void> {
    const producer = this.#producer;
    if (producer === undefined) throw connectionError(this.#options, `publish to "${command.destination}"`, new Error("the producer is not connected"));
    const options = command.options;
    validatePublishOptions(command.destination, options, command.messages.map((message) => message.body));
    const key = options.key === undefined ? undefined : typeof options.key === "string" ? Buffer.from(options.key) : bytes(options.key);
    const timestamp = options.timestamp === undefined ? undefined : String(options.timestamp instanceof Date ? options.timestamp.getTime() : options.timestamp);
    const messages = command.messages.map((message): OutgoingRecord => {
      const record: OutgoingRecord = {
        value: options.tombstone === true ? null : bytes(message.body),
        headers: Object.fromEntries(recordHeaders(message, command.replyTo, options.binaryHeaders)),
      };
      if (key !== undefined) record.key = key;
      if (options.partition !== undefined) record.partition = options.partition;
      if (timestamp !== undefined) record.timestamp = timestamp;
      return record;
    });
    try {
      await producer.send({ topic: command.destination, messages });
    } catch (error) {
      throw connectionError(this.#options, `publish to "${command.destination}"`, error);
    }
  }

  createInboxName(): string {
    const name = `${this.#options.clientId}.inbox.${randomUUID()}`;
    this.#inboxes.add(name);
    return name;
  }

  /** Resolves once every subscription's consumer has its partitions (tests, startup probes). */
  async assigned(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (![...this.#subscriptions].every((subscription) => subscription.positioned)) {
      if (Date.now() > deadline) throw connectionError(this.#options, `get partitions assigned within ${timeoutMs} ms`, new Error("the consumer group did not settle"));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Creates missing topics (once per topic and transport); a topic that exists already is fine. */
  ensureTopics(topics: readonly string[]): Promise<void> {
    return Promise.all(
      topics.map((topic) => {
        let created = this.#topics.get(topic);
        if (created === undefined) {
          created = this.#createTopic(topic);
          this.#topics.set(topic, created);
          created.catch(() => this.#topics.delete(topic));
        }
        return created;
      }),
    ).then(() => undefined);
  }

  async #createTopic(topic: string): Promise<void> {
    try {
      const admin = await this.#adminClient();
      // false: it exists already (another client made it first), which is what we wanted.
      await admin.createTopics({ topics: [{ topic, numPartitions: this.#options.topicPartitions }] });
    } catch (error) {
      if (!/already exists/i.test(error instanceof Error ? error.message : "")) throw connectionError(this.#options, `create the topic "${topic}"`, error);
    }
  }

  /** One admin client per transport, connected on first use. */
  #adminClient(): Promise<ConfluentAdmin> {
    this.#admin ??= (async () => {
      const admin = createAdmin(this.#options);
      await within(admin.connect(), this.#options.connectTimeoutMs, "connecting the admin client");
      return admin;
    })();
    this.#admin.catch(() => (this.#admin = undefined));
    return this.#admin;
  }

  async #deadLetter(target: string, records: readonly Inflight<ConfluentRecord>[]): Promise<void> {
    const messages = records.map(({ message }): OutgoingRecord => {
      const raw = message.raw;
      const headers: Headers = {};
      for (const header of raw.headers ?? []) for (const name in header) headers[name] = Buffer.from(header[name]!);
      headers[DEAD_LETTER_FROM] = Buffer.from(raw.topic);
      headers[DELIVERY_COUNT] = Buffer.from(String(message.deliveryCount));
      const record: OutgoingRecord = { value: raw.value ?? null, headers };
      if (raw.key !== undefined && raw.key !== null) record.key = Buffer.from(raw.key);
      return record;
    });
    await this.#producer!.send({ topic: target, messages });
  }

  async #cleanUp(group: string | undefined, topic: string | undefined): Promise<void> {
    if (group === undefined && topic === undefined) return;
    // Best effort: a generated group and an inbox topic are private to this client and useless once it left.
    const admin = await this.#adminClient().catch(() => undefined);
    if (admin === undefined) return;
    if (group !== undefined) await admin.deleteGroups([group]).catch(() => undefined);
    if (topic !== undefined) {
      this.#inboxes.delete(topic);
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    }
  }
}
