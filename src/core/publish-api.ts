import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { Headers, IncomingMessage } from "./message.js";

/** Options every broker understands when publishing; adapters add their own beside them. */
export interface PublishOptions {
  readonly headers?: Headers;
  /** Defaults to a new UUID; a handler's result keeps the correlation id of the message it answers. */
  readonly correlationId?: string;
  readonly messageId?: string;
  /** Chooses the codec; by default strings go as text, bytes as bytes, everything else as JSON. */
  readonly contentType?: string;
}

export interface RequestOptions<Body = unknown> extends PublishOptions {
  /** How long to wait for the reply (default 30 000 ms). */
  readonly timeoutMs?: number;
  /** Validates (and types) the reply body. */
  readonly schema?: StandardSchemaV1<unknown, Body>;
}

/** The answer to `broker.request()`. */
export interface Reply<Body = unknown> {
  readonly body: Body;
  readonly headers: Readonly<Headers>;
  readonly correlationId: string | undefined;
  readonly message: IncomingMessage;
}

/** Publishing as handlers see it (`context.broker`); every broker implements it. */
export interface PublishApi<BrokerOptions = unknown> {
  publish(body: unknown, destination: string, options?: PublishOptions & BrokerOptions): Promise<void>;
  publishBatch(bodies: readonly unknown[], destination: string, options?: PublishOptions & BrokerOptions): Promise<void>;
  request<Body = unknown>(body: unknown, destination: string, options?: RequestOptions<Body> & BrokerOptions): Promise<Reply<Body>>;
}
