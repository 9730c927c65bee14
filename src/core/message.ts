/** Header values after decoding: every adapter turns its native header values into strings. */
export type Headers = Record<string, string>;

/**
 * A message as it arrived, in the broker-agnostic shape every adapter produces. `raw` keeps the native
 * message for adapter-specific attributes (telemetry providers read it) and for users who need it.
 */
export interface IncomingMessage<Raw = unknown> {
  readonly body: Uint8Array;
  readonly headers: Readonly<Headers>;
  /** The concrete destination the message arrived on (a topic, queue, subject, channel). */
  readonly destination: string;
  readonly contentType: string | undefined;
  readonly correlationId: string | undefined;
  readonly messageId: string | undefined;
  /** Where a request wants its reply; set by `broker.request()`. */
  readonly replyTo: string | undefined;
  /** 1 on the first delivery, then counts redeliveries where the broker tells. */
  readonly deliveryCount: number;
  readonly raw: Raw;
}

/** One message of a publish command, already encoded. Middlewares may change headers before the send. */
export interface OutgoingMessage {
  body: Uint8Array;
  headers: Headers;
  contentType: string | undefined;
  correlationId: string;
  messageId: string;
}

/**
 * - `publish`: one message, nobody waits for an answer;
 * - `batch`: several messages to one destination in one call;
 * - `request`: one message, the call resolves with the reply;
 * - `reply`: a handler's answer to a request, sent to the requester's temporary destination.
 */
export type PublishKind = "publish" | "batch" | "request" | "reply";

/** What a publish middleware sees and what a transport sends. */
export interface PublishCommand<Options = unknown> {
  readonly kind: PublishKind;
  readonly destination: string;
  readonly messages: OutgoingMessage[];
  /** True for the return value of a handler (sent to its publishers or to the reply address). */
  readonly fromHandler: boolean;
  /** Where the reply should go (requests only; the request-reply machinery fills it). */
  replyTo: string | undefined;
  /** Broker-specific options (Kafka partition and key, RabbitMQ exchange, ...). */
  readonly options: Options;
  /** Requests only: how long to wait for the reply. */
  readonly timeoutMs: number | undefined;
  /** The server the broker talks to, for telemetry (`server.address`/`server.port`), when the transport knows. */
  readonly server: ServerAddress | undefined;
}

/** Where a broker client is connected: what telemetry reports as `server.address` and `server.port`. */
export interface ServerAddress {
  readonly address: string;
  readonly port?: number | undefined;
}

/** How a delivery was settled with the broker. */
export type Settlement =
  | { readonly kind: "ack" }
  | { readonly kind: "nack"; readonly requeue: boolean }
  | { readonly kind: "reject" };
