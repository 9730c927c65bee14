// Broker options both Kafka adapters take the same way (cluster address, acks, group timing, commit and pattern
// intervals), validated the same way. Each adapter adds its client's own settings (`connection`, `config`,
// `connectTimeoutMs`) and names itself in the error messages, so a message says which adapter refused it.
import { ConfigurationError } from "../core/index.js";

export interface KafkaClusterOptions {
  /** `host:port` of one or more brokers of the cluster (default `127.0.0.1:9092`). */
  readonly bootstrapServers?: string | readonly string[];
  /** The client id the cluster sees in logs and quotas (default `postline`). */
  readonly clientId?: string;
  /** Acknowledgements a publish waits for: `all` in-sync replicas (default), the `leader`, or `none`. */
  readonly acks?: "all" | "leader" | "none";
  /** Subscribing creates missing topics with the admin client (default true) with `topicPartitions` partitions. */
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

export interface ResolvedClusterConnection {
  readonly bootstrap: string[];
  readonly clientId: string;
  readonly acks: number;
}

export interface ResolvedClusterTiming {
  readonly createTopics: boolean;
  readonly topicPartitions: number;
  readonly heartbeatIntervalMs: number;
  readonly sessionTimeoutMs: number;
  readonly patternRefreshMs: number;
  readonly commitIntervalMs: number;
}

const ACKS = { all: -1, leader: 1, none: 0 } as const;

/** A positive whole number or the fallback; `label` names the adapter in the error ("Kafka", "Confluent Kafka"). */
export function positive(label: string, name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(Number.isInteger(value) && value > 0)) throw new ConfigurationError(`${label} ${name} must be a positive whole number, got ${String(value)}`);
  return value;
}

/** Where and as whom to connect. Split from the timing so an adapter can check its own settings in between. */
export function resolveClusterConnection(label: string, options: KafkaClusterOptions): ResolvedClusterConnection {
  const servers = options.bootstrapServers ?? "127.0.0.1:9092";
  const bootstrap = typeof servers === "string" ? servers.split(",").map((server) => server.trim()) : [...servers];
  if (bootstrap.length === 0 || bootstrap.some((server) => !/^[^\s:]+:\d+$|^\[[0-9a-fA-F:.]+\]:\d+$/.test(server))) {
    throw new ConfigurationError(`${label} bootstrapServers must be "host:port" entries, got ${JSON.stringify(servers)}`);
  }
  if (options.acks !== undefined && !(options.acks in ACKS)) throw new ConfigurationError(`${label} acks must be "all", "leader" or "none", got ${JSON.stringify(options.acks)}`);
  if (options.clientId !== undefined && (typeof options.clientId !== "string" || options.clientId === "")) throw new ConfigurationError(`${label} clientId must be a non-empty string`);
  return { bootstrap, clientId: options.clientId ?? "postline", acks: ACKS[options.acks ?? "all"] };
}

/** Topic creation, group timing and intervals; `defaultTopicPartitions` differs (-1 means the cluster's default). */
export function resolveClusterTiming(label: string, options: KafkaClusterOptions, defaultTopicPartitions: number): ResolvedClusterTiming {
  const heartbeatIntervalMs = positive(label, "heartbeatIntervalMs", options.heartbeatIntervalMs, 1_000);
  const sessionTimeoutMs = positive(label, "sessionTimeoutMs", options.sessionTimeoutMs, 10_000);
  if (heartbeatIntervalMs >= sessionTimeoutMs) throw new ConfigurationError(`${label} heartbeatIntervalMs must be shorter than sessionTimeoutMs`);
  return {
    createTopics: options.createTopics ?? true,
    topicPartitions: positive(label, "topicPartitions", options.topicPartitions, defaultTopicPartitions),
    heartbeatIntervalMs,
    sessionTimeoutMs,
    patternRefreshMs: positive(label, "patternRefreshMs", options.patternRefreshMs, 5_000),
    commitIntervalMs: positive(label, "commitIntervalMs", options.commitIntervalMs, 50),
  };
}
