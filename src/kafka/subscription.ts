import type { DeliveryHandler, SubscriptionSpec } from "../core/index.js";
import { consumerGroup, subscriptionDeliveries, topicPattern, type KafkaDeliveries, type Inflight, type KafkaSubscribeOptions, type SubscriptionContextOf } from "../kafka-common/index.js";
import { connectionError, createConsumer, type KafkaConsumer, type KafkaRecord, type KafkaStream } from "./client.js";
import { toIncoming } from "./message.js";
import type { ResolvedKafkaOptions } from "./options.js";

/** What a subscription needs from its transport; pattern subscriptions list topics themselves. */
export interface SubscriptionContext extends SubscriptionContextOf<ResolvedKafkaOptions, KafkaRecord> {
  listTopics(): Promise<string[]>;
}

interface StreamState {
  readonly stream: KafkaStream;
  positioned: boolean;
}

/**
 * One subscriber's consumer: a consumer group member (the subscriber's group, or a generated one for fan-out)
 * whose streams feed core's delivery queue. Offsets are committed by hand, only for settled records.
 */
export class KafkaSubscription {
  readonly #context: SubscriptionContext;
  readonly #spec: SubscriptionSpec<KafkaSubscribeOptions>;
  readonly #deliveries: KafkaDeliveries<KafkaRecord>;
  readonly #group: string;
  readonly #generatedGroup: boolean;
  readonly #pattern: RegExp | undefined;
  readonly #temporary: boolean;
  readonly #streams: StreamState[] = [];
  readonly #topics = new Set<string>();
  #consumer: KafkaConsumer | undefined;
  #refresh: NodeJS.Timeout | undefined;
  #stopped = false;
  /** Per partition, the last record whose offset may be committed; flushed every `commitIntervalMs` and on close. */
  readonly #commits = new Map<string, Inflight<KafkaRecord>>();
  #commitTimer: NodeJS.Timeout | undefined;

  constructor(context: SubscriptionContext, spec: SubscriptionSpec<KafkaSubscribeOptions>, handler: DeliveryHandler<KafkaRecord>, temporary: boolean) {
    this.#context = context;
    this.#spec = spec;
    this.#temporary = temporary;
    this.#pattern = topicPattern(spec.destination, spec.options);
    ({ group: this.#group, generated: this.#generatedGroup } = consumerGroup(spec.options, context.options.clientId));
    this.#deliveries = subscriptionDeliveries(context, spec, handler, {
      commit: (record) => this.#queueCommit(record),
      pause: () => this.#streams.forEach(({ stream }) => stream.pause()),
      resume: () => this.#streams.forEach(({ stream }) => stream.resume()),
    });
  }

  /** The `topic:partition` keys assigned to this member in the current generation. */
  get #owned(): Set<string> {
    const owned = new Set<string>();
    for (const { topic, partitions } of this.#consumer?.assignments ?? []) for (const partition of partitions) owned.add(`${topic}:${partition}`);
    return owned;
  }

  #queueCommit(record: Inflight<KafkaRecord>): void {
    this.#commits.set(record.partition, record);
    this.#commitTimer ??= setTimeout(() => this.#flushCommits(), this.#context.options.commitIntervalMs);
  }

  /** One commit request per interval instead of one per message: a crash in between only means redelivery. */
  #flushCommits(): void {
    clearTimeout(this.#commitTimer);
    this.#commitTimer = undefined;
    for (const record of this.#commits.values()) {
      void record.message.raw.commit((error) => {
        if (error !== undefined && error !== null) this.#context.onError(`could not commit an offset of ${record.partition}`, error);
      });
    }
    this.#commits.clear();
  }

  /** True once every stream knows where to read from in the current group generation (the harness `ready` hook). */
  get positioned(): boolean {
    if (this.#stopped) return true;
    if (this.#pattern !== undefined && this.#topics.size === 0) return true;
    return this.#streams.length > 0 && this.#consumer?.isActive() === true && this.#streams.every((state) => state.positioned);
  }

  async start(): Promise<void> {
    const topics = this.#pattern === undefined ? [this.#spec.destination] : await this.#matching();
    if (this.#pattern === undefined && this.#context.options.createTopics) await this.#context.ensureTopics(topics);
    this.#consumer = createConsumer(this.#context.options, this.#group);
    this.#consumer.on("consumer:group:join", () => {
      this.#streams.forEach((state) => (state.positioned = false));
      this.#deliveries.retain((partition) => this.#owned.has(partition));
    });
    this.#consumer.on("consumer:group:rebalance", () => {
      this.#streams.forEach((state) => (state.positioned = false));
      // Before partitions move to another member, commit what was handled, or that member handles it again.
      this.#flushCommits();
    });
    if (topics.length > 0) await this.#consume(topics, { closeOnFailure: true });
    if (this.#pattern !== undefined) this.#refresh = setInterval(() => void this.#discover(), this.#context.options.patternRefreshMs).unref();
  }

  async #matching(): Promise<string[]> {
    const pattern = this.#pattern!;
    return (await this.#context.listTopics()).filter((topic) => !this.#topics.has(topic) && pattern.test(topic));
  }

  /** Pattern subscriptions: topics created later join through a stream of their own on the same consumer. */
  async #discover(): Promise<void> {
    try {
      const topics = await this.#matching();
      // A failure here must not close the consumer that feeds the topics already subscribed.
      if (topics.length > 0 && !this.#stopped) await this.#consume(topics, { closeOnFailure: false });
    } catch (error) {
      this.#context.onError(`pattern subscriber "${this.#spec.name}" could not look for new topics`, error);
    }
  }

  async #consume(topics: string[], { closeOnFailure }: { closeOnFailure: boolean }): Promise<void> {
    for (const topic of topics) this.#topics.add(topic);
    let stream: KafkaStream;
    try {
      stream = await this.#consumer!.consume({
        topics,
        autocommit: false,
        mode: "committed",
        // A private inbox is created just before its first request: nothing in it may be skipped.
        fallbackMode: this.#temporary ? "earliest" : (this.#spec.options.autoOffsetReset ?? "latest"),
        maxWaitTime: 1_000,
      });
    } catch (error) {
      // Forget the topics, so the next discovery round tries them again.
      for (const topic of topics) this.#topics.delete(topic);
      if (closeOnFailure) await this.#consumer!.close(true).catch(() => undefined);
      throw connectionError(this.#context.options, `subscribe to ${topics.join(", ")} as group "${this.#group}"`, error);
    }
    const state: StreamState = { stream, positioned: false };
    stream.on("offsets", () => (state.positioned = true));
    stream.on("data", (record: KafkaRecord) => {
      const partition = `${record.topic}:${record.partition}`;
      // A fetch answered after a rebalance may carry records of a partition that moved to another member.
      if (!this.#consumer?.assignments?.some((owned) => owned.topic === record.topic && owned.partitions.includes(record.partition))) return;
      this.#deliveries.push(toIncoming(record), partition);
    });
    stream.on("error", (error: Error) => this.#context.onError(`the consumer of "${this.#spec.destination}" failed`, error));
    this.#streams.push(state);
  }

  /**
   * Graceful: stop handing records over, wait for those in the handler to settle (their commits are queued),
   * then close the streams (which flush the queued commits) and leave the group. Buffered records that were not
   * handed over are not committed: the group's next member reads them again.
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#refresh);
    this.#streams.forEach(({ stream }) => stream.pause());
    await this.#deliveries.stop();
    await this.close(false);
  }

  /** Closes at once (the broker's shutdown timeout has passed, or the transport closes). */
  async close(force = true): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#refresh);
    void this.#deliveries.stop();
    const consumer = this.#consumer;
    this.#consumer = undefined;
    if (consumer === undefined) return;
    // Queued commits go out before the streams close (closing flushes what the client has queued).
    this.#flushCommits();
    await Promise.all(this.#streams.splice(0).map(({ stream }) => stream.close().catch((error: unknown) => this.#context.onError("could not close a consumer stream", error))));
    await consumer.close(force).catch((error: unknown) => this.#context.onError("could not close a consumer", error));
    await this.#context.cleanUp(this.#generatedGroup ? this.#group : undefined, this.#temporary ? this.#spec.destination : undefined);
  }
}
