import type { BrokerOptions } from "../core/index.js";
import type { MemoryHub } from "./hub.js";

export interface MemoryBrokerOptions extends BrokerOptions<"memory"> {
  /** Share a hub to let several brokers (services) in one process talk; each broker has its own otherwise. */
  readonly hub?: MemoryHub;
  /** Messages a consumer group may buffer before publishers wait (default 1 000). Ignored with `hub`. */
  readonly bufferSize?: number;
  /** Larger bodies are refused with `MessageTooLargeError` (default 1 MiB, as NATS). */
  readonly maxMessageBytes?: number;
}

export interface MemorySubscribeOptions {
  /** Competing consumers: subscribers with the same group split the destination's messages. */
  readonly group?: string;
  /** Destination that receives rejected messages, and nacked ones past `maxDeliveries` (with `x-postline-dead-letter-from`). */
  readonly deadLetter?: string;
}

/** The in-process broker has no publish options beyond the common ones. */
export type MemoryPublishOptions = Record<never, never>;
