import type { RedisOptions } from "ioredis";
import { ConfigurationError, validateMaxPending, type BrokerOptions, type TransportCapabilities } from "../core/index.js";
import type { MessageFormat } from "./envelope.js";

/** Where a message lives in Redis: a pub/sub channel, a list, or a stream. */
export type RedisKind = "channel" | "list" | "stream";

export interface RedisBrokerOptions extends BrokerOptions<"redis"> {
  /** `redis://[user:password@]host:port[/db]` or `rediss://...` (default `redis://127.0.0.1:6379`). */
  readonly url?: string;
  /** Extra ioredis options (TLS, timeouts, ...), applied to every connection the broker opens. */
  readonly connection?: RedisOptions;
  /**
   * The envelope written around each message (both are read): `binary` is FastStream 0.6+'s default
   * (`BinaryMessageFormatV1`), `json` its legacy format, for FastStream 0.5 services.
   */
  readonly messageFormat?: MessageFormat;
  /** Where `publish()` sends when its options name no `kind` (default `channel`). Replies always go to channels. */
  readonly defaultPublishKind?: RedisKind;
}

/** Messages arriving through pub/sub: at most once, no acknowledgement, no redelivery. */
export interface RedisChannelSubscribeOptions {
  readonly kind?: "channel";
  /** The destination is a glob pattern (`PSUBSCRIBE`), e.g. `orders.*`. */
  readonly pattern?: boolean;
  /**
   * Received messages that may wait for a free handler (default 65 536). Pub/sub cannot slow the publisher
   * down: beyond this the subscriber is a slow consumer and new messages are dropped, with a warning saying how
   * many. Use a list or a stream to keep every message.
   */
  readonly maxPending?: number;
}

/** Dead letters of lists and streams: rejected messages, and nacked ones once core's `maxDeliveries` is reached. */
interface DeadLetterOptions {
  /** A list or stream (the subscription's kind) that receives them, with `x-postline-dead-letter-from`. */
  readonly deadLetter?: string;
}

/**
 * Messages popped from a list (`RPUSH` → `BLMPOP`): each goes to one consumer. Popping removes it, so a
 * consumer that crashes mid-handler loses it; a nack with requeue pushes it back to the head of the list.
 */
export interface RedisListSubscribeOptions extends DeadLetterOptions {
  readonly kind: "list";
}

/**
 * Stream entries. With `group`, a consumer group (`XREADGROUP`/`XACK`): acknowledged, redelivered on nack,
 * claimable from crashed consumers. Without, every subscriber reads every entry (`XREAD`), unacknowledged.
 */
export interface RedisStreamSubscribeOptions extends DeadLetterOptions {
  readonly kind: "stream";
  /** Competing consumers: subscribers with the same group split the entries. */
  readonly group?: string;
  /** This consumer's name in the group (default: unique per subscriber). Keep it stable to resume its pending entries. */
  readonly consumer?: string;
  /** Where a new group starts: `$` (entries added from now, default) or `0` (the whole stream). */
  readonly startId?: "$" | "0";
  /** Take over entries another consumer of the group left pending for `minIdleMs` (`XAUTOCLAIM`); in a group the default is 60 s, so a crashed consumer's entries are redelivered. */
  readonly claim?: { readonly minIdleMs: number; readonly intervalMs?: number };
}

export type RedisSubscribeOptions = RedisChannelSubscribeOptions | RedisListSubscribeOptions | RedisStreamSubscribeOptions;

export type RedisPublishOptions =
  | { readonly kind?: "channel" | "list" }
  | {
      readonly kind: "stream";
      /** Trim the stream to about this many entries (`XADD MAXLEN ~`). */
      readonly maxLen?: number;
    };

/**
 * What each kind of subscription can do; the transport checks subscriptions against it, and the test
 * harnesses report it, so a suite and the runtime agree.
 */
export function redisCapabilities(kind: RedisKind): TransportCapabilities {
  return {
    requestReply: "inbox",
    batchPublish: true,
    batchConsume: kind !== "channel",
    consumerGroups: kind === "stream",
    redelivery: kind !== "channel",
  };
}

const kinds: readonly RedisKind[] = ["channel", "list", "stream"];

function positive(where: string, name: string, value: unknown): void {
  if (value !== undefined && !(typeof value === "number" && Number.isInteger(value) && value > 0)) {
    throw new ConfigurationError(`${where}: ${name} must be a whole number > 0, got ${JSON.stringify(value)}`);
  }
}

export function validateBrokerOptions(options: RedisBrokerOptions): URL {
  let url: URL;
  try {
    url = new URL(options.url ?? "redis://127.0.0.1:6379");
  } catch (error) {
    throw new ConfigurationError(`the Redis url "${options.url}" is not a URL`, { cause: error });
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    throw new ConfigurationError(`the Redis url must start with redis:// or rediss://, got "${options.url}"`);
  }
  if (options.messageFormat !== undefined && options.messageFormat !== "binary" && options.messageFormat !== "json") {
    throw new ConfigurationError(`messageFormat must be "binary" or "json", got ${String(options.messageFormat)}`);
  }
  if (options.defaultPublishKind !== undefined && !kinds.includes(options.defaultPublishKind)) {
    throw new ConfigurationError(`defaultPublishKind must be one of ${kinds.join(", ")}, got ${String(options.defaultPublishKind)}`);
  }
  return url;
}

/** Checked when the subscription starts: the options of one kind only, and what that kind supports. */
export function validateSubscription(name: string, options: RedisSubscribeOptions, batch: boolean): RedisKind {
  const where = `subscriber "${name}"`;
  const kind = options.kind ?? "channel";
  if (!kinds.includes(kind)) throw new ConfigurationError(`${where}: kind must be one of ${kinds.join(", ")}, got ${String(kind)}`);
  const all = options as Record<string, unknown>;
  const allowed: Record<RedisKind, readonly string[]> = {
    channel: ["kind", "pattern", "maxPending"],
    // maxDeliveries is core's option (validated there); it applies only where Redis can redeliver.
    list: ["kind", "deadLetter", "maxDeliveries"],
    stream: ["kind", "group", "consumer", "startId", "claim", "deadLetter", "maxDeliveries"],
  };
  for (const key of Object.keys(all)) {
    if (all[key] !== undefined && !allowed[kind].includes(key)) {
      throw new ConfigurationError(`${where}: "${key}" does not apply to a Redis ${kind} subscription (it takes ${allowed[kind].join(", ")})`);
    }
  }
  if (batch && !redisCapabilities(kind).batchConsume) {
    throw new ConfigurationError(`${where}: Redis pub/sub cannot consume batches; use a list or a stream`);
  }
  validateMaxPending(where, all.maxPending);
  if (options.kind === "stream") {
    if (options.startId !== undefined && options.startId !== "$" && options.startId !== "0") throw new ConfigurationError(`${where}: startId must be "$" or "0"`);
    if (options.claim !== undefined) {
      if (options.group === undefined) throw new ConfigurationError(`${where}: claim needs a group (only group members leave pending entries)`);
      positive(where, "claim.minIdleMs", options.claim.minIdleMs);
      positive(where, "claim.intervalMs", options.claim.intervalMs);
    }
    if (options.group === undefined && (options.consumer !== undefined || options.deadLetter !== undefined || all.maxDeliveries !== undefined)) {
      throw new ConfigurationError(`${where}: consumer, deadLetter and maxDeliveries need a group (a stream read without one is never settled)`);
    }
  }
  return kind;
}
