import type { DeliveryHandler, PublishCommand, SubscriptionSpec, Transport, TransportSubscription } from "../core/index.js";
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
import { connectionError, createAdmin, createProducer, type KafkaAdmin, type KafkaProducer, type KafkaRecord, type RecordToProduce } from "./client.js";
import type { ResolvedKafkaOptions } from "./options.js";
import { KafkaSubscription, type SubscriptionContext } from "./subscription.js";
import { parseServer, type ServerAddress } from "../core/index.js";

/** Translates between core and @platformatic/kafka: one producer, one consumer per subscription, an admin client. */
export class KafkaTransport implements Transport<KafkaSubscribeOptions, KafkaPublishOptions, KafkaRecord> {
  readonly kind = "kafka";
  readonly capabilities = KAFKA_CAPABILITIES;
  /** Where failures outside any caller go (the broker points it at its logger). */
  onError: (message: string, error: unknown) => void = () => {};
  readonly #options: ResolvedKafkaOptions;
  readonly #subscriptions = new Subscriptions<KafkaSubscription>();
  readonly #topics = new TopicCreations((topic) => this.#createTopic(topic));
  readonly #context: SubscriptionContext;
  #producer: KafkaProducer | undefined;
  #admin: KafkaAdmin | undefined;

  /** The first bootstrap server, for telemetry. */
  readonly server: ServerAddress;

  constructor(options: ResolvedKafkaOptions) {
    this.#options = options;
    this.server = parseServer(options.bootstrap[0] ?? "127.0.0.1:9092", 9092);
    this.#context = {
      options,
      ensureTopics: (topics) => this.ensureTopics(topics),
      listTopics: () => this.#adminClient().listTopics(),
      deadLetter: (target, records) => this.#deadLetter(target, records),
      cleanUp: (group, topic) => this.#cleanUp(group, topic),
      onError: (message, error) => this.onError(message, error),
    };
  }

  async connect(): Promise<void> {
    const producer = createProducer(this.#options);
    try {
      await producer.metadata({ topics: [] });
    } catch (error) {
      await producer.close(true).catch(() => undefined);
      throw connectionError(this.#options, "connect", error);
    }
    this.#producer = producer;
  }

  async close(): Promise<void> {
    await this.#subscriptions.closeAll();
    await this.#producer?.close(true).catch((error: unknown) => this.onError("could not close the producer", error));
    await this.#admin?.close().catch((error: unknown) => this.onError("could not close the admin client", error));
    this.#producer = undefined;
    this.#admin = undefined;
  }

  async subscribe(spec: SubscriptionSpec<KafkaSubscribeOptions>, handler: DeliveryHandler<KafkaRecord>): Promise<TransportSubscription> {
    return this.#subscriptions.start(new KafkaSubscription(this.#context, spec, handler, this.#subscriptions.isInbox(spec.destination)));
  }

  async publish(command: PublishCommand<KafkaPublishOptions>): Promise<void> {
    const producer = this.#producer;
    if (producer === undefined) throw connectionError(this.#options, `publish to "${command.destination}"`, new Error("the producer is not connected"));
    const options = command.options;
    validatePublishOptions(command.destination, options, command.messages.map((message) => message.body));
    const key = keyBytes(options.key);
    const time = epochMs(options.timestamp);
    const timestamp = time === undefined ? undefined : BigInt(time);
    const messages = command.messages.map((message): RecordToProduce => {
      const record: RecordToProduce = { topic: command.destination, headers: recordHeaders(message, command.replyTo, options.binaryHeaders) };
      if (options.tombstone !== true) record.value = bytes(message.body);
      if (key !== undefined) record.key = key;
      if (options.partition !== undefined) record.partition = options.partition;
      if (timestamp !== undefined) record.timestamp = timestamp;
      return record;
    });
    try {
      await producer.send({ messages });
    } catch (error) {
      throw connectionError(this.#options, `publish to "${command.destination}"`, error);
    }
  }

  /** `broker.start()` waits for partition assignment: a new group reads from the end of its topics. */
  ready(): Promise<void> {
    return this.assigned();
  }

  createInboxName(): string {
    return this.#subscriptions.createInboxName(this.#options.clientId);
  }

  /** Resolves once every subscription's consumer has its partitions and knows where to read (tests, startup probes). */
  assigned(timeoutMs = 15_000): Promise<void> {
    return this.#subscriptions.positioned(timeoutMs, () => connectionError(this.#options, `get partitions assigned within ${timeoutMs} ms`, new Error("the consumer group did not settle")));
  }

  /** Creates missing topics (once per topic and transport); a topic that exists already is fine. */
  ensureTopics(topics: readonly string[]): Promise<void> {
    return this.#topics.ensure(topics);
  }

  async #createTopic(topic: string): Promise<void> {
    const admin = this.#adminClient();
    try {
      await admin.createTopics({ topics: [topic], partitions: this.#options.topicPartitions, replicas: -1 });
    } catch (error) {
      // Already there (another client made it first) is what we wanted; anything else is a failure.
      const existing = await admin.listTopics().catch((): string[] => []);
      if (!existing.includes(topic)) throw connectionError(this.#options, `create the topic "${topic}"`, error);
    }
  }

  #adminClient(): KafkaAdmin {
    this.#admin ??= createAdmin(this.#options);
    return this.#admin;
  }

  async #deadLetter(target: string, records: readonly Inflight<KafkaRecord>[]): Promise<void> {
    const messages = records.map(({ message }): RecordToProduce => {
      const raw = message.raw;
      const headers = new Map(raw.headers);
      headers.set(DEAD_LETTER_FROM, Buffer.from(raw.topic));
      headers.set(DELIVERY_COUNT, Buffer.from(String(message.deliveryCount)));
      return { topic: target, key: raw.key ?? undefined, value: raw.value ?? undefined, headers };
    });
    await this.#producer!.send({ messages });
  }

  async #cleanUp(group: string | undefined, topic: string | undefined): Promise<void> {
    if (group === undefined && topic === undefined) return;
    const admin = this.#adminClient();
    // Best effort: a generated group and an inbox topic are private to this client and useless once it left.
    if (group !== undefined) await admin.deleteGroups({ groups: [group] }).catch(() => undefined);
    if (topic !== undefined) {
      this.#subscriptions.forgetInbox(topic);
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    }
  }
}
