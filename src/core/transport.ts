import type { IncomingMessage, PublishCommand, ServerAddress, Settlement } from "./message.js";

/** Collect up to `maxSize` messages, or what arrived within `maxWaitMs`, into one handler call. */
export interface BatchOptions {
  readonly maxSize: number;
  readonly maxWaitMs: number;
}

export interface SubscriptionSpec<Options> {
  /** The subscriber's name, for logs and errors. */
  readonly name: string;
  readonly destination: string;
  readonly options: Options;
  /** Present for batch subscribers: the transport hands over arrays. */
  readonly batch: BatchOptions | undefined;
  /** How many deliveries may be in the handler at once. */
  readonly concurrency: number;
  /** A message nacked with requeue is rejected once delivered this often (core's `RedeliveryRule`). */
  readonly maxDeliveries?: number | undefined;
}

/** One handler call's worth of messages (one, or a batch) and the way to settle them with the broker. */
export interface Delivery<Raw = unknown> {
  readonly messages: readonly IncomingMessage<Raw>[];
  settle(settlement: Settlement): Promise<void>;
}

export type DeliveryHandler<Raw = unknown> = (delivery: Delivery<Raw>) => Promise<void>;

export interface TransportSubscription {
  /** Stop receiving new deliveries. Deliveries already handed over still settle normally. */
  stop(): Promise<void>;
}

export interface TransportCapabilities {
  /** `native`: the transport implements `request`; `inbox`: core correlates replies on a private destination. */
  readonly requestReply: "native" | "inbox" | "none";
  readonly batchPublish: boolean;
  readonly batchConsume: boolean;
  /** Competing consumers: subscribers that share a group split the messages between them. */
  readonly consumerGroups: boolean;
  /** A nack with requeue brings the message back. */
  readonly redelivery: boolean;
}

/**
 * The port a broker adapter implements: connect, close, subscribe, publish, settle (through `Delivery`), and
 * optionally a native request.
 *
 * Non-goals, on purpose: ack policies, decoding, validation, middlewares, request/reply correlation, retries
 * and telemetry all live in core; a transport never sees a handler, a schema or a span. Topology that only one
 * broker has (exchanges, streams, partitions) travels in the typed `options` of subscriptions and publishes.
 */
export interface Transport<SubscribeOptions = unknown, PublishOptions = unknown, Raw = unknown> {
  /** Matches the `broker` brand of broker-specific middlewares, e.g. "kafka" or "memory". */
  readonly kind: string;
  readonly capabilities: TransportCapabilities;
  connect(): Promise<void>;
  close(): Promise<void>;
  subscribe(spec: SubscriptionSpec<SubscribeOptions>, handler: DeliveryHandler<Raw>): Promise<TransportSubscription>;
  publish(command: PublishCommand<PublishOptions>): Promise<void>;
  /** Present when `capabilities.requestReply` is `native`. */
  request?(command: PublishCommand<PublishOptions>, signal: AbortSignal): Promise<IncomingMessage<Raw>>;
  /** A destination private to this client, for replies (inbox request/reply). */
  createInboxName(): string;
  /**
   * Resolves once the subscriptions started so far receive (Kafka: partitions assigned and positions known).
   * `broker.start()` waits for it, so a message published right after start is not missed.
   */
  ready?(): Promise<void>;
  /** The server this client talks to (its first one, for clusters), reported as `server.address`/`server.port`. */
  readonly server?: ServerAddress | undefined;
}
