import type { DeliveryHandler, SubscriptionSpec } from "../core/index.js";
import { consumerGroup, subscriptionDeliveries, type KafkaDeliveries, type Inflight, type KafkaSubscribeOptions, type SubscriptionContextOf } from "../kafka-common/index.js";
import { ASSIGN_PARTITIONS, connectionError, createConsumer, type ConfluentConsumer, type ConfluentRebalanceError, type ConfluentRecord, type TopicPartition } from "./client.js";
import { toIncoming } from "./message.js";
import type { ResolvedConfluentOptions } from "./options.js";

/** What a subscription needs from its transport. */
export type SubscriptionContext = SubscriptionContextOf<ResolvedConfluentOptions, ConfluentRecord>;

const key = (topic: string, partition: number): string => `${topic}:${partition}`;

/**
 * The subscription librdkafka understands for a pattern subscriber: it only treats a topic starting with `^` as
 * a regular expression (anchored at the start), and its regex engine (POSIX extended) knows no `(?:`. `pattern:
 * true` matches the whole name, as in postline/kafka; a RegExp matches anywhere, as `RegExp.test` does, unless
 * it starts with `^`.
 */
export function librdkafkaPattern(destination: string, options: KafkaSubscribeOptions): string | undefined {
  if (options.pattern === undefined) return undefined;
  if (options.pattern === true) return `^(${destination})$`;
  const source = options.pattern.source.replaceAll("(?:", "(");
  return source.startsWith("^") ? source : `^.*(${source})`;
}

/**
 * One subscriber's consumer: a librdkafka consumer group member (the subscriber's group, or a generated one for
 * fan-out) in flowing mode, feeding core's delivery queue. Offsets are committed by hand, only for settled records.
 */
export class ConfluentSubscription {
  readonly #context: SubscriptionContext;
  readonly #spec: SubscriptionSpec<KafkaSubscribeOptions>;
  readonly #deliveries: KafkaDeliveries<ConfluentRecord>;
  readonly #group: string;
  readonly #generatedGroup: boolean;
  readonly #temporary: boolean;
  #consumer: ConfluentConsumer | undefined;
  #assigned = new Set<string>();
  /** `autoOffsetReset: "latest"`: partitions without a committed offset are positioned at their end explicitly. */
  #startsAtEnd = false;
  #positioned = false;
  #paused = false;
  #stopped = false;
  /** Per partition, the last record whose offset may be committed; flushed every `commitIntervalMs` and on close. */
  readonly #commits = new Map<string, ConfluentRecord>();
  #commitTimer: NodeJS.Timeout | undefined;

  constructor(context: SubscriptionContext, spec: SubscriptionSpec<KafkaSubscribeOptions>, handler: DeliveryHandler<ConfluentRecord>, temporary: boolean) {
    this.#context = context;
    this.#spec = spec;
    this.#temporary = temporary;
    ({ group: this.#group, generated: this.#generatedGroup } = consumerGroup(spec.options, context.options.clientId));
    this.#deliveries = subscriptionDeliveries(context, spec, handler, {
      commit: (record) => this.#queueCommit(record),
      pause: () => this.#pause(true),
      resume: () => this.#pause(false),
    });
  }

  /** True once the group gave this member its partitions (possibly none) in the current generation. */
  get positioned(): boolean {
    return this.#stopped || this.#positioned;
  }

  async start(): Promise<void> {
    if (this.#spec.options.pattern === undefined && this.#context.options.createTopics) await this.#context.ensureTopics([this.#spec.destination]);
    // A private inbox is created just before its first request: nothing in it may be skipped.
    const reset = this.#temporary ? "earliest" : (this.#spec.options.autoOffsetReset ?? "latest");
    this.#startsAtEnd = reset === "latest";
    const consumer = createConsumer(this.#context.options, this.#group, reset);
    this.#consumer = consumer;
    consumer.on("rebalance", (error: ConfluentRebalanceError, assignment: TopicPartition[]) => this.#rebalance(error, assignment));
    consumer.on("data", (record: ConfluentRecord) => {
      const partition = key(record.topic, record.partition);
      // A fetch answered after a rebalance may carry records of a partition that moved to another member.
      if (this.#stopped || !this.#assigned.has(partition)) return;
      this.#deliveries.push(toIncoming(record), partition);
    });
    consumer.on("event.error", (error: ConfluentRebalanceError) => this.#context.onError(`the consumer of "${this.#spec.destination}" failed`, error));
    try {
      await new Promise<void>((resolve, reject) => {
        consumer.connect({ timeout: this.#context.options.connectTimeoutMs }, (error) => (error ? reject(new Error(error.message, { cause: error })) : resolve()));
      });
    } catch (error) {
      this.#consumer = undefined;
      consumer.disconnect(() => undefined);
      throw connectionError(this.#context.options, `subscribe to "${this.#spec.destination}" as group "${this.#group}"`, error);
    }
    consumer.subscribe([librdkafkaPattern(this.#spec.destination, this.#spec.options) ?? this.#spec.destination]);
    // The consume loop runs on a thread of its own: it waits up to 25 ms for a record (a record ends the wait at
    // once; closing waits for the current wait to end) and, by default, then sleeps 500 ms after an empty wait,
    // which would be the latency of an idle subscriber. No sleep: the wait is enough.
    consumer.setDefaultConsumeTimeout(25);
    consumer.setDefaultConsumeLoopTimeoutDelay(0);
    consumer.consume();
    // Like a KafkaJS `run()`, resolve once the group has given this member its partitions: a request's reply
    // must find its inbox consumer in place. A group still settling after the deadline keeps joining.
    const deadline = Date.now() + this.#context.options.connectTimeoutMs;
    while (!this.#positioned && !this.#stopped && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  /** Runs before librdkafka applies the change (`rebalance_cb: true` assigns and unassigns after the event). */
  #rebalance(error: ConfluentRebalanceError, assignment: TopicPartition[]): void {
    if (error.code === ASSIGN_PARTITIONS) {
      this.#assigned = new Set(assignment.map(({ topic, partition }) => key(topic, partition)));
      this.#deliveries.retain((partition) => this.#assigned.has(partition));
      setImmediate(() => {
        if (this.#paused) this.#pause(true);
        void this.#positionAtEnd(assignment).finally(() => {
          this.#positioned = true;
        });
      });
      return;
    }
    // Before partitions move to another member, commit what was handled, or that member handles it again.
    this.#positioned = false;
    this.#flushCommits(true);
    this.#assigned = new Set();
    this.#deliveries.retain(() => false);
  }

  /**
   * librdkafka looks up "latest" lazily, after the assignment: a message produced right after `start()` would
   * land before that position and be skipped. Partitions the group never committed are sought to their end
   * now, so `start()` resolves with a known position (as the pure-TypeScript adapter does).
   */
  async #positionAtEnd(assignment: readonly TopicPartition[]): Promise<void> {
    const consumer = this.#consumer;
    if (consumer === undefined || !this.#startsAtEnd || assignment.length === 0) return;
    const partitions = assignment.map(({ topic, partition }) => ({ topic, partition }));
    try {
      const committed = await new Promise<{ topic: string; partition: number; offset?: number }[]>((resolve, reject) => {
        consumer.committed(partitions, 5_000, (error, result) => (error ? reject(new Error(error.message, { cause: error })) : resolve(result)));
      });
      for (const { topic, partition, offset } of committed) {
        if (offset !== undefined && offset >= 0) continue;
        const { highOffset } = await new Promise<{ highOffset: number }>((resolve, reject) => {
          consumer.queryWatermarkOffsets(topic, partition, 5_000, (error, offsets) => (error ? reject(new Error(error.message, { cause: error })) : resolve(offsets)));
        });
        await new Promise<void>((resolve, reject) => {
          consumer.seek({ topic, partition, offset: highOffset }, 5_000, (error) => (error ? reject(new Error(error.message, { cause: error })) : resolve()));
        });
      }
    } catch (error) {
      this.#context.onError(`subscriber "${this.#spec.name}" could not find the end of its partitions; librdkafka's own reset applies`, error);
    }
  }

  #pause(paused: boolean): void {
    this.#paused = paused;
    const consumer = this.#consumer;
    if (consumer === undefined || !consumer.isConnected()) return;
    const partitions = consumer.assignments().map(({ topic, partition }) => ({ topic, partition }));
    if (partitions.length === 0) return;
    if (paused) consumer.pause(partitions);
    else consumer.resume(partitions);
  }

  #queueCommit(record: Inflight<ConfluentRecord>): void {
    this.#commits.set(record.partition, record.message.raw);
    this.#commitTimer ??= setTimeout(() => this.#flushCommits(false), this.#context.options.commitIntervalMs);
  }

  /** One commit per interval instead of one per message; synchronous where the consumer is about to lose its partitions. */
  #flushCommits(sync: boolean): void {
    clearTimeout(this.#commitTimer);
    this.#commitTimer = undefined;
    const consumer = this.#consumer;
    const offsets = [...this.#commits.values()].map((record) => ({ topic: record.topic, partition: record.partition, offset: record.offset + 1 }));
    this.#commits.clear();
    if (consumer === undefined || offsets.length === 0) return;
    try {
      if (sync) consumer.commitSync(offsets);
      else consumer.commit(offsets);
    } catch (error) {
      this.#context.onError(`could not commit offsets of "${this.#spec.destination}"`, error);
    }
  }

  /**
   * Graceful: stop handing records over, wait for those in the handler to settle (their commits are queued),
   * commit them and leave the group. Buffered records that were not handed over are not committed: the group's
   * next member reads them again.
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#pause(true);
    this.#stopped = true;
    await this.#deliveries.stop();
    await this.close();
  }

  /** Closes at once (the broker's shutdown timeout has passed, or the transport closes). */
  async close(): Promise<void> {
    this.#stopped = true;
    void this.#deliveries.stop();
    const consumer = this.#consumer;
    if (consumer === undefined) return;
    this.#flushCommits(true);
    this.#consumer = undefined;
    await new Promise<void>((resolve) => {
      consumer.disconnect((error) => {
        if (error) this.#context.onError("could not close a consumer", error);
        resolve();
      });
    });
    await this.#context.cleanUp(this.#generatedGroup ? this.#group : undefined, this.#temporary ? this.#spec.destination : undefined);
  }
}
