import type { Channel, ChannelModel, ConsumeMessage } from "amqplib";
import { DeliveryQueue, RedeliveryRule, type DeliveryHandler, type Logger, type Settlement, type SubscriptionSpec } from "../core/index.js";
import type { RabbitConnection } from "./connection.js";
import { DeliveryCounts } from "./delivery-count.js";
import { ChannelClosedError } from "./errors.js";
import { toIncoming, type RabbitRawMessage } from "./message.js";
import type { RabbitSubscribeOptions } from "./options.js";
import type { RabbitPublisher } from "./publisher.js";
import type { SubscriptionPlan } from "./topology.js";

/** A message as it arrived, with the channel that must settle it. */
interface Received {
  readonly message: ConsumeMessage;
  readonly channel: Channel;
}

/** A consumer channel the server closed alone is reopened after this, doubling per failed try, up to the max. */
const REOPEN_DELAY_MS = 200;
const REOPEN_MAX_DELAY_MS = 5_000;
/** A channel that stayed open this long resets the backoff: the next closure is a new incident. */
const REOPEN_STABLE_MS = 10_000;

/**
 * One subscription: its own channel (so prefetch and channel errors stay per subscriber), the queue and
 * binding its plan declares, and core's delivery queue, which keeps at most `concurrency` deliveries in the
 * handler (RabbitMQ's prefetch bounds what waits there). Restored on a new channel after a reconnection.
 */
export class RabbitConsumer {
  #channel: Channel | undefined;
  /** The last channel close under way (or done). */
  #channelClosed: Promise<void> = Promise.resolve();
  #queue = "";
  #consumerTag: string | undefined;
  #stopped = false;
  readonly #waiting: DeliveryQueue<Received>;
  readonly #redelivery: RedeliveryRule;
  readonly #counts = new DeliveryCounts();
  #unsubscribe: (() => void) | undefined;
  #reopenAttempts = 0;
  #reopenTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly connection: RabbitConnection,
    private readonly publisher: RabbitPublisher,
    private readonly spec: SubscriptionSpec<RabbitSubscribeOptions>,
    private readonly plan: SubscriptionPlan,
    private readonly prefetch: number,
    private readonly handler: DeliveryHandler<RabbitRawMessage>,
    private readonly logger: () => Logger,
  ) {
    this.#redelivery = new RedeliveryRule(spec.maxDeliveries);
    this.#waiting = new DeliveryQueue<Received>({
      concurrency: spec.concurrency,
      // A message of a channel lost since is not handed over: RabbitMQ redelivers it on the new one.
      deliver: ([received]) => (received!.channel === this.#channel ? this.#deliver(received!.channel, received!.message) : Promise.resolve()),
    });
  }

  async start(): Promise<void> {
    await this.#open();
    this.#unsubscribe = this.connection.onReopen(() => this.#open());
  }

  /** Stops deliveries; waiting (not yet handed over) messages go back to the queue. In-flight ones still settle. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    clearTimeout(this.#reopenTimer);
    const channel = this.#channel;
    if (channel === undefined) return;
    if (this.#consumerTag !== undefined) await channel.cancel(this.#consumerTag).catch(() => undefined);
    this.#waiting.close();
    for (const { message, channel: owner } of this.#waiting.takeQueued()) {
      if (owner === channel) tryCall(() => channel.nack(message, false, true));
    }
    // Deliveries in the handler still settle on this channel; it closes once they have (or at close()).
    if (this.#waiting.inFlight === 0) await this.#closeChannel();
    else void this.#waiting.idle().then(() => this.#closeChannel());
  }

  /**
   * Stops, then closes the channel now, or waits for the close already under way. The transport closes the
   * connection only after this: the acks of deliveries settled during the drain are written on the channel, and a
   * connection closed before the channel's close has gone through loses them (RabbitMQ redelivers what was
   * handled). A handler still running now has outlived the broker's drain: its message is redelivered.
   */
  async close(): Promise<void> {
    await this.stop();
    await this.#closeChannel();
  }

  async #open(): Promise<void> {
    if (this.#stopped) return;
    const plan = this.plan;
    for (const exchange of plan.exchanges) await this.publisher.ensureExchange(exchange);
    const channel = await this.connection.createChannel();
    // stop() may have run while this (re)open awaited: a channel opened now would hold messages nobody takes.
    if (this.#stopped) {
      await channel.close().catch(() => undefined);
      return;
    }
    this.#channel = channel;
    try {
      await channel.prefetch(this.prefetch);
      const declared = await channel.assertQueue(plan.queue, { durable: plan.durable, exclusive: plan.exclusive, autoDelete: plan.autoDelete, arguments: plan.arguments });
      this.#queue = declared.queue;
      if (plan.binding !== undefined) await channel.bindQueue(declared.queue, plan.binding.exchange, plan.binding.routingKey, plan.binding.arguments);
      const priority = this.spec.options.consumerPriority;
      const consumer = await channel.consume(declared.queue, (message) => this.#receive(channel, message), priority === undefined ? {} : { priority });
      this.#consumerTag = consumer.consumerTag;
      // Watched from here on: a channel the server closes during set-up fails start() (or the reopen) instead.
      this.#watch(channel);
      if (this.#stopped) await channel.cancel(consumer.consumerTag).catch(() => undefined);
    } catch (error) {
      if (this.#channel === channel) this.#channel = undefined;
      await channel.close().catch(() => undefined);
      throw new Error(`subscriber "${this.spec.name}" could not set up queue "${plan.queue || "(server-named)"}" on RabbitMQ: ${(error as Error).message}`, { cause: error });
    }
  }

  /**
   * The server may close a consumer channel alone: an acknowledgement it refuses (PRECONDITION_FAILED), a
   * delivery held past the consumer timeout. The connection stays up, so no reconnection will restore this
   * subscriber: it reopens its channel itself, after a short pause. Messages it held unacknowledged go back to
   * the queue (the server requeues them); settling them on the closed channel fails with ChannelClosedError.
   * A lost connection closes every channel too: that is the reconnection's to restore, so it is left alone.
   */
  #watch(channel: Channel): void {
    const model = this.connection.live;
    const openedAt = Date.now();
    let reason: unknown;
    channel.once("error", (error: unknown) => (reason = error));
    channel.once("close", () => {
      if (this.#stopped || this.#channel !== channel) return;
      this.#channel = undefined;
      if (this.connection.closed || this.connection.live !== model) return;
      if (Date.now() - openedAt >= REOPEN_STABLE_MS) this.#reopenAttempts = 0;
      this.logger().warn(`RabbitMQ closed the channel of subscriber "${this.spec.name}"; reopening it`, { error: reason, queue: this.#queue });
      this.#scheduleReopen(model);
    });
  }

  /** Reopens after a pause that doubles with each failed try, while the connection is still the one it was. */
  #scheduleReopen(model: ChannelModel | undefined): void {
    const delay = Math.min(REOPEN_MAX_DELAY_MS, REOPEN_DELAY_MS * 2 ** this.#reopenAttempts);
    this.#reopenAttempts += 1;
    this.#reopenTimer = setTimeout(() => {
      this.#reopenTimer = undefined;
      // A reconnection in progress (or done) restores the subscriber itself.
      if (this.#stopped || this.#channel !== undefined || this.connection.closed || this.connection.live !== model) return;
      this.#open().catch((error: unknown) => {
        this.logger().error(`subscriber "${this.spec.name}" could not reopen its RabbitMQ channel; retrying`, { error });
        this.#scheduleReopen(model);
      });
    }, delay);
  }

  #receive(channel: Channel, message: ConsumeMessage | null): void {
    if (message === null) {
      // The server cancelled the consumer (its queue was deleted); a reconnection would not bring it back.
      if (!this.#stopped) this.logger().error(`RabbitMQ cancelled subscriber "${this.spec.name}" (queue "${this.#queue}" deleted?)`);
      return;
    }
    this.#waiting.push({ message, channel });
  }

  async #deliver(channel: Channel, message: ConsumeMessage): Promise<void> {
    const deliveryCount = this.#counts.of(message);
    const raw: RabbitRawMessage = { message, queue: this.#queue, anonymous: this.plan.anonymous };
    // The message's destination as the user named it: the exchange (Postline destinations) or the queue.
    const destination = this.plan.anonymous || this.plan.queue !== this.spec.destination ? message.fields.exchange : this.#queue;
    await this.handler({
      messages: [toIncoming(raw, destination, deliveryCount)],
      settle: async (settlement) => this.#settle(channel, message, deliveryCount, settlement),
    });
  }

  #settle(channel: Channel, message: ConsumeMessage, deliveryCount: number, settlement: Settlement): void {
    if (channel !== this.#channel && this.#channel !== undefined) {
      throw new ChannelClosedError(`cannot ${settlement.kind} a message received before the connection was lost; RabbitMQ redelivers it`);
    }
    const requeue = this.#redelivery.requeues(settlement, deliveryCount);
    this.#counts.settled(message, deliveryCount, requeue);
    try {
      if (settlement.kind === "ack") channel.ack(message);
      else if (settlement.kind === "reject") channel.reject(message, false);
      else channel.nack(message, false, requeue);
    } catch (error) {
      throw new ChannelClosedError(`cannot ${settlement.kind} the message: its RabbitMQ channel is closed (RabbitMQ redelivers it)`, { cause: error });
    }
  }

  /** Closes the current channel; a second call while that close is under way waits for it too. */
  #closeChannel(): Promise<void> {
    const channel = this.#channel;
    this.#channel = undefined;
    if (channel !== undefined) this.#channelClosed = channel.close().catch(() => undefined);
    return this.#channelClosed;
  }
}

function tryCall(fn: () => void): void {
  try {
    fn();
  } catch {
    // The channel is already closed: RabbitMQ requeues its unacknowledged messages itself.
  }
}
