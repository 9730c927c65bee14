import { ConfigurationError, type BatchOptions } from "../core/index.js";

/** Where a consumer group without a committed offset starts: new messages only (Kafka's default) or the log's start. */
export type AutoOffsetReset = "latest" | "earliest";

interface KafkaSubscribeCommon {
  /**
   * The consumer group: subscribers sharing it split the partitions. Without one each subscriber gets a group of
   * its own (a generated id), so every subscriber receives every message (fan-out).
   */
  readonly group?: string;
  /** Where a group without a committed offset starts (default `latest`, as Kafka and FastStream). */
  readonly autoOffsetReset?: AutoOffsetReset;
  /**
   * Topic that receives rejected messages, and nacked ones past core's `maxDeliveries` (with
   * `x-postline-dead-letter-from`); they are committed once it has them.
   */
  readonly deadLetter?: string;
}

/**
 * Subscribe options. The destination is a topic; with `pattern` the subscription covers every topic whose name
 * matches: `pattern: true` reads the destination itself as a regular expression (anchored), a RegExp is used as
 * given and the destination is only its label (the `messaging.destination.template` of telemetry).
 */
export type KafkaSubscribeOptions = KafkaSubscribeCommon & ({ readonly pattern?: undefined } | { readonly pattern: true | RegExp });

interface KafkaPublishCommon {
  /** The record key: it picks the partition (same key, same partition, same order) and names the entity of compacted topics. */
  readonly key?: string | Uint8Array;
  /** An explicit partition, overriding the key's. */
  readonly partition?: number;
  /** The record timestamp (default: the producer's clock). */
  readonly timestamp?: Date | number;
  /** Header values as bytes, for consumers that expect binary headers; sent beside the string `headers`. */
  readonly binaryHeaders?: Readonly<Record<string, Uint8Array>>;
}

/** Publish options; `tombstone: true` sends a null value (a deletion marker of a compacted topic), so it needs a key. */
export type KafkaPublishOptions = KafkaPublishCommon & ({ readonly tombstone?: false } | { readonly tombstone: true; readonly key: string | Uint8Array });

/** The regular expression a pattern subscription matches topics with, or undefined for a plain topic. */
export function topicPattern(destination: string, options: KafkaSubscribeOptions): RegExp | undefined {
  if (options.pattern === undefined) return undefined;
  return options.pattern === true ? new RegExp(`^(?:${destination})$`) : options.pattern;
}


/** Checked when the subscriber is registered, so a mistake fails at startup rather than at the first message. */
export function validateSubscribeOptions(destination: string, options: KafkaSubscribeOptions & { readonly batch?: true | Partial<BatchOptions> }): void {
  const where = `Kafka subscriber of "${destination}"`;
  if (options.group !== undefined && (typeof options.group !== "string" || options.group === "")) throw new ConfigurationError(`${where}: group must be a non-empty string`);
  if (options.autoOffsetReset !== undefined && options.autoOffsetReset !== "latest" && options.autoOffsetReset !== "earliest") {
    throw new ConfigurationError(`${where}: autoOffsetReset must be "latest" or "earliest", got ${JSON.stringify(options.autoOffsetReset)}`);
  }
  if (options.deadLetter !== undefined && (typeof options.deadLetter !== "string" || options.deadLetter === "")) throw new ConfigurationError(`${where}: deadLetter must be a topic name`);
  if (options.pattern !== undefined && options.pattern !== true && !(options.pattern instanceof RegExp)) throw new ConfigurationError(`${where}: pattern must be true or a RegExp`);
  if (options.pattern === true) {
    try {
      new RegExp(destination);
    } catch (error) {
      throw new ConfigurationError(`${where}: pattern: true needs the destination to be a regular expression`, { cause: error });
    }
  }
}

/** Checked on every publish (options may come from a publisher's defaults or the call). */
export function validatePublishOptions(destination: string, options: KafkaPublishOptions, bodies: readonly Uint8Array[]): void {
  const where = `Kafka publish to "${destination}"`;
  if (options.partition !== undefined && !(Number.isInteger(options.partition) && options.partition >= 0)) throw new ConfigurationError(`${where}: partition must be a whole number ≥ 0`);
  if (options.key !== undefined && typeof options.key !== "string" && !(options.key instanceof Uint8Array)) throw new ConfigurationError(`${where}: key must be a string or a Uint8Array`);
  if (options.timestamp !== undefined) {
    const time = options.timestamp instanceof Date ? options.timestamp.getTime() : options.timestamp;
    if (!(Number.isInteger(time) && time >= 0)) throw new ConfigurationError(`${where}: timestamp must be a Date or epoch milliseconds`);
  }
  if (options.tombstone === true) {
    if (options.key === undefined) throw new ConfigurationError(`${where}: a tombstone needs a key`);
    if (bodies.some((body) => body.byteLength > 0)) throw new ConfigurationError(`${where}: a tombstone has no body (publish undefined)`);
  }
}
