import type { ConnectionOptions } from "@platformatic/kafka";
import { ConfigurationError, type BrokerOptions } from "../core/index.js";

export type { AutoOffsetReset, KafkaPublishOptions, KafkaSubscribeOptions } from "./shared/options.js";

export interface KafkaBrokerOptions extends BrokerOptions<"kafka"> {
  /** `host:port` of one or more brokers of the cluster (default `127.0.0.1:9092`). */
  readonly bootstrapServers?: string | readonly string[];
  /** The client id the cluster sees in logs and quotas (default `postline`). */
  readonly clientId?: string;
  /** TLS, SASL and socket settings, passed to @platformatic/kafka as they are. */
  readonly connection?: ConnectionOptions;
  /** Acknowledgements a publish waits for: `all` in-sync replicas (default), the `leader`, or `none`. */
  readonly acks?: "all" | "leader" | "none";
  /**
   * Subscribing creates missing topics with the admin client (default true) with this many partitions (default:
   * the cluster's `num.partitions`), so a subscriber is assigned partitions at once instead of racing
   * auto-creation. Publishing to a missing topic relies on the cluster's `auto.create.topics.enable`.
   */
  readonly createTopics?: boolean;
  readonly topicPartitions?: number;
  /** Consumer group heartbeat interval and session timeout (defaults 1 000 ms and 10 000 ms). */
  readonly heartbeatIntervalMs?: number;
  readonly sessionTimeoutMs?: number;
  /** How often pattern subscriptions look for new matching topics (default 5 000 ms). */
  readonly patternRefreshMs?: number;
  /**
   * Settled offsets are committed at most this often (default 50 ms) and when a subscriber stops; a crash in
   * between redelivers at most that window's messages (at-least-once).
   */
  readonly commitIntervalMs?: number;
}

export interface ResolvedKafkaOptions {
  readonly bootstrap: string[];
  readonly clientId: string;
  readonly connection: KafkaBrokerOptions["connection"];
  readonly acks: number;
  readonly createTopics: boolean;
  readonly topicPartitions: number;
  readonly heartbeatIntervalMs: number;
  readonly sessionTimeoutMs: number;
  readonly patternRefreshMs: number;
  readonly commitIntervalMs: number;
}

const ACKS = { all: -1, leader: 1, none: 0 } as const;

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(Number.isInteger(value) && value > 0)) throw new ConfigurationError(`Kafka ${name} must be a positive whole number, got ${String(value)}`);
  return value;
}

/** Validates at construction: a broker with a mistake in its options never connects. */
export function resolveKafkaOptions(options: KafkaBrokerOptions): ResolvedKafkaOptions {
  const servers = options.bootstrapServers ?? "127.0.0.1:9092";
  const bootstrap = typeof servers === "string" ? servers.split(",").map((server) => server.trim()) : [...servers];
  if (bootstrap.length === 0 || bootstrap.some((server) => !/^[^\s:]+:\d+$|^\[[0-9a-fA-F:.]+\]:\d+$/.test(server))) {
    throw new ConfigurationError(`Kafka bootstrapServers must be "host:port" entries, got ${JSON.stringify(servers)}`);
  }
  if (options.acks !== undefined && !(options.acks in ACKS)) throw new ConfigurationError(`Kafka acks must be "all", "leader" or "none", got ${JSON.stringify(options.acks)}`);
  if (options.clientId !== undefined && (typeof options.clientId !== "string" || options.clientId === "")) throw new ConfigurationError("Kafka clientId must be a non-empty string");
  const heartbeatIntervalMs = positive("heartbeatIntervalMs", options.heartbeatIntervalMs, 1_000);
  const sessionTimeoutMs = positive("sessionTimeoutMs", options.sessionTimeoutMs, 10_000);
  if (heartbeatIntervalMs >= sessionTimeoutMs) throw new ConfigurationError("Kafka heartbeatIntervalMs must be shorter than sessionTimeoutMs");
  return {
    bootstrap,
    clientId: options.clientId ?? "postline",
    connection: options.connection,
    acks: ACKS[options.acks ?? "all"],
    createTopics: options.createTopics ?? true,
    topicPartitions: options.topicPartitions === undefined ? -1 : positive("topicPartitions", options.topicPartitions, 1),
    heartbeatIntervalMs,
    sessionTimeoutMs,
    patternRefreshMs: positive("patternRefreshMs", options.patternRefreshMs, 5_000),
    commitIntervalMs: positive("commitIntervalMs", options.commitIntervalMs, 50),
  };
}
