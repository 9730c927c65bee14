import type { ConsumerConfig, StreamConfig } from "@nats-io/jetstream";
import type { NodeConnectionOptions } from "@nats-io/transport-node";
import type { BrokerOptions } from "../core/index.js";

/** A stream Postline declares: created when missing, given the subjects it lacks when it exists. */
export type NatsStreamConfig = { readonly name: string; readonly subjects: readonly string[] } & Partial<Omit<StreamConfig, "name" | "subjects">>;

export interface NatsJetStreamBrokerOptions {
  /** Publishes go through JetStream by default: each waits for the stream's acknowledgement (PubAck). */
  readonly publish?: boolean;
  /** Streams declared when the broker connects, so that publishes are stored before any subscriber starts. */
  readonly streams?: readonly NatsStreamConfig[];
  /** JetStream domain (leaf nodes, hubs). */
  readonly domain?: string;
  /** Timeout of JetStream API calls and publish acknowledgements (default 5 000 ms). */
  readonly timeoutMs?: number;
}

export interface NatsBrokerOptions extends BrokerOptions<"nats"> {
  /** Server URLs (default `nats://127.0.0.1:4222`). */
  readonly servers?: string | readonly string[];
  /** Everything else NATS.js `connect()` takes: credentials, TLS, name, reconnect policy, inbox prefix. */
  readonly connection?: Omit<NodeConnectionOptions, "servers">;
  readonly jetstream?: NatsJetStreamBrokerOptions;
}

/** How a JetStream subscriber consumes: its stream, its consumer, and how messages reach it. */
export interface NatsJetStreamConsumerOptions {
  /** The stream: a name (it must exist) or a declaration (created or extended on subscribe). */
  readonly stream: string | NatsStreamConfig;
  /**
   * A durable consumer that outlives the subscriber (it resumes where it stopped). Without it (and without
   * `group`) each subscriber gets an ephemeral consumer, deleted when it stops.
   */
  readonly durable?: string;
  /** `pull` (default): the client asks for messages as handlers free up. `push`: the server sends them to an inbox. */
  readonly delivery?: "pull" | "push";
  /** Where a new consumer starts (default: `new` for ephemeral consumers, `all` for durable ones). */
  readonly deliverPolicy?: "all" | "new" | "last" | "last_per_subject";
  /** How long the server waits for a settlement before redelivering (default 30 000 ms). */
  readonly ackWaitMs?: number;
  /** Deliveries after which the server stops redelivering a message. */
  readonly maxDeliver?: number;
  /** Pull only: messages the client buffers ahead of the handlers (default: max(32, 2 × concurrency × batch size)). */
  readonly prefetch?: number;
  /**
   * While a handler runs, tell the server every this many ms that the message is in progress (so a slow
   * handler is not redelivered to another consumer). Default: half of `ackWaitMs`; `false` turns it off.
   */
  readonly inProgressMs?: number | false;
  /** Further consumer settings passed to the server as they are (`backoff`, `max_ack_pending`, ...). */
  readonly config?: Partial<ConsumerConfig>;
}

/** A core NATS subscription: at-most-once, no acknowledgements (settling is a no-op). */
export interface NatsCoreSubscribeOptions {
  /** Queue group: subscribers sharing it split the messages between them. */
  readonly group?: string;
  /**
   * Received messages that may wait for a free handler (default 65 536). Core NATS cannot slow the server
   * down, so beyond this the subscriber is a slow consumer: new messages are dropped, with a warning saying
   * how many, instead of growing the process's memory without bound. Use JetStream to keep every message.
   */
  readonly maxPending?: number;
  readonly jetstream?: undefined;
}

/** A JetStream subscription: acknowledged, redelivered on nack, durable if asked. */
export interface NatsJetStreamSubscribeOptions {
  /** Competing consumers: subscribers sharing a group share one durable consumer of that name. */
  readonly group?: string;
  readonly jetstream: NatsJetStreamConsumerOptions;
}

export type NatsSubscribeOptions = NatsCoreSubscribeOptions | NatsJetStreamSubscribeOptions;

export interface NatsJetStreamPublishOptions {
  /** Fail unless the message is stored by this stream. */
  readonly stream?: string;
  /** Publish-ack timeout (default: the broker's JetStream timeout). */
  readonly timeoutMs?: number;
  /**
   * Send the message id as `Nats-Msg-Id`: the stream drops a second message with the same id within its
   * duplicate window (an idempotent publish when you choose the ids). Off by default.
   */
  readonly deduplicate?: boolean;
}

export interface NatsPublishOptions {
  /**
   * `true` or options: publish through JetStream and wait for the stream's acknowledgement. `false`: a plain
   * core publish even when the broker publishes through JetStream by default. Replies always go out as core
   * messages.
   */
  readonly jetstream?: boolean | NatsJetStreamPublishOptions;
}
