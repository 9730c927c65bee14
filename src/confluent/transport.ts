import { parseServer, type DeliveryHandler, type PublishCommand, type ServerAddress, type SubscriptionSpec, type Transport, type TransportSubscription } from "../core/index.js";
import {
  DEAD_LETTER_FROM,
  DELIVERY_COUNT,
  KAFKA_CAPABILITIES,
  Subscriptions,
  TopicCreations,
  bytes,
  epochMs,
  keyBytes,
  recordHeaders,
  validatePublishOptions,
  type Inflight,
  type KafkaPublishOptions,
  type KafkaSubscribeOptions,
} from "../kafka-common/index.js";
import { connectionError, createAdmin, createProducer, within, type ConfluentAdmin, type ConfluentProducer, type ConfluentRecord } from "./client.js";
import type { ResolvedConfluentOptions } from "./options.js";
import { ConfluentSubscription, type SubscriptionContext } from "./subscription.js";

type Headers = Record<string, Buffer>;
type OutgoingRecord = { key?: Buffer; value: Buffer | null; partition?: number; timestamp?: string; headers: Headers };

/** Translates between core and @confluentinc/kafka-javascript: one producer, one consumer per subscription, an admin client. */
export class ConfluentTransport implements Transport<KafkaSubscribeOptions, KafkaPublishOptions, ConfluentRecord> {
  readonly kind = "confluent";
  readonly capabilities = KAFKA_CAPABILITIES;
  /** Where failures outside any caller go (the broker points it at its logger). */
  onError: (message: string, error: unknown) => void = () => {};
  readonly #options: ResolvedConfluentOptions;
  readonly #subscriptions = new Subscriptions<ConfluentSubscription>();
  readonly #topics = new TopicCreations((topic) => this.#createTopic(topic));
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
    await this.#subscriptions.closeAll();
    await this.#producer?.disconnect().catch((error: unknown) => this.onError("could not close the producer", error));
    const admin = this.#admin;
    this.#producer = undefined;
    this.#admin = undefined;
    if (admin !== undefined) await (await admin.catch(() => undefined))?.disconnect().catch((error: unknown) => this.onError("could not close the admin client", error));
  }

  async subscribe(spec: SubscriptionSpec<KafkaSubscribeOptions>, handler: DeliveryHandler<ConfluentRecord>): Promise<TransportSubscription> {
    return this.#subscriptions.start(new ConfluentSubscription(this.#context, spec, handler, this.#subscriptions.isInbox(spec.destination)));
  }

  async publish(command: PublishCommand<KafkaPublishOptions>): Promise<void> {
    const producer = this.#producer;
    if (producer === undefined) throw connectionError(this.#options, `publish to "${command.destination}"`, new Error("the producer is not connected"));
    const options = command.options;
    validatePublishOptions(command.destination, options, command.messages.map((message) => message.body));
    const key = keyBytes(options.key);
    const time = epochMs(options.timestamp);
    const timestamp = time === undefined ? undefined : String(time);
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
    return this.#subscriptions.createInboxName(this.#options.clientId);
  }

  /** Resolves once every subscription's consumer has its partitions (tests, startup probes). */
  assigned(timeoutMs = 15_000): Promise<void> {
    return this.#subscriptions.positioned(timeoutMs, () => connectionError(this.#options, `get partitions assigned within ${timeoutMs} ms`, new Error("the consumer group did not settle")));
  }

  /** Creates missing topics (once per topic and transport); a topic that exists already is fine. */
  ensureTopics(topics: readonly string[]): Promise<void> {
    return this.#topics.ensure(topics);
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
      this.#subscriptions.forgetInbox(topic);
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    }
  }
}
