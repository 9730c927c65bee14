import type { Headers } from "../core/index.js";

/** A message as the in-process hub stores it: the body and the properties a real broker would carry. */
export interface MemoryEnvelope {
  readonly destination: string;
  readonly body: Uint8Array;
  readonly headers: Headers;
  readonly contentType: string | undefined;
  readonly correlationId: string | undefined;
  readonly messageId: string | undefined;
  readonly replyTo: string | undefined;
  readonly timestamp: number;
  /** Position in the hub's publish order, for tests and logs. */
  readonly sequence: number;
}

/** One delivery attempt of an envelope to a group. */
export interface QueuedMessage {
  readonly envelope: MemoryEnvelope;
  deliveryCount: number;
}
