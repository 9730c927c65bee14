import { ConfigurationError, type BrokerOptions } from "../core/index.js";

export type { AutoOffsetReset, KafkaPublishOptions as ConfluentPublishOptions, KafkaSubscribeOptions as ConfluentSubscribeOptions } from "../kafka/shared/index.js";

/** librdkafka configuration properties (`security.protocol`, `sasl.mechanisms`, …), passed to every client as they are. */
export type LibrdkafkaConfig = Readonly<Record<string, string | number | boolean>>;

export interface ConfluentBrokerOptions extends BrokerOptions<"confluent"> {
  /** `host:port` of one or more brokers of the cluster (default `127.0.0.1:9092`). */
  readonly bootstrapServers?: string | readonly string[];
  /** The client id the cluster sees in logs and quotas (default `postline`). */
  readonly clientId?: string;
  /** Extra librdkafka properties (TLS, SASL, tuning); Postline's own settings win where both set one. */
  readonly config?: LibrdkafkaConfig;
  /** Acknowledgements a publish waits for: `all` in-sync replicas (default), the `leader`, or `none`. */
  readonly acks?: "all" | "leader" | "none";
  /** Subscribing creates missing topics with the admin client (default true) with this many partitions (default 1). */
  readonly createTopics?: boolean;
  readonly topicPartitions?: number;
  /** Consumer group heartbeat interval and session timeout (defaults 1 000 ms and 10 000 ms). */
  readonly heartbeatIntervalMs?: number;
  readonly sessionTimeoutMs?: number;
  /** How often librdkafka refreshes metadata, which is how pattern subscriptions notice new topics (default 5 000 ms). */
  readonly patternRefreshMs?: number;
  /** Settled offsets are committed at most this often (default 50 ms) and when a subscriber stops (at-least-once in between). */
  readonly commitIntervalMs?: number;
  /** How long `connect()` waits for the cluster before failing (default 10 000 ms). */
  readonly connectTimeoutMs?: number;
}

export interface ResolvedConfluentOptions {
  readonly bootstrap: string[];
  readonly clientId: string;
  readonly config: LibrdkafkaConfig;
  readonly acks: number;
  readonly createTopics: boolean;
  readonly topicPartitions: number;
  readonly heartbeatIntervalMs: number;
  readonly sessionTimeoutMs: number;
  readonly patternRefreshMs: number;
  readonly commitIntervalMs: number;
  readonly connectTimeoutMs: number;
}

const ACKS = { all: -1, leader: 1, none: 0 } as const;

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(Number.isInteger(value) && value > 0)) throw new ConfigurationError(`Confluent Kafka ${name} must be a positive whole number, got ${String(value)}`);
  return value;
}

/** Validates at construction: a broker with a mistake in its options never connects. */
export function resolveConfluentOptions(options: ConfluentBrokerOptions): ResolvedConfluentOptions {
  const servers = options.bootstrapServers ?? "127.0.0.1:9092";
  const bootstrap = typeof servers === "string" ? servers.split(",").map((server) => server.trim()) : [...servers];
  if (bootstrap.length === 0 || bootstrap.some((server) => !/^[^\s:]+:\d+$|^\[[0-9a-fA-F:.]+\]:\d+$/.test(server))) {
    throw new ConfigurationError(`Confluent Kafka bootstrapServers must be "host:port" entries, got ${JSON.stringify(servers)}`);
  }
  if (options.acks !== undefined && !(options.acks in ACKS)) throw new ConfigurationError(`Confluent Kafka acks must be "all", "leader" or "none", got ${JSON.stringify(options.acks)}`);
  if (options.clientId !== undefined && (typeof options.clientId !== "string" || options.clientId === "")) throw new ConfigurationError("Confluent Kafka clientId must be a non-empty string");
  if (options.config !== undefined && (typeof options.config !== "object" || options.config === null)) throw new ConfigurationError("Confluent Kafka config must be an object of librdkafka properties");
  const heartbeatIntervalMs = positive("heartbeatIntervalMs", options.heartbeatIntervalMs, 1_000);
  const sessionTimeoutMs = positive("sessionTimeoutMs", options.sessionTimeoutMs, 10_000);
  if (heartbeatIntervalMs >= sessionTimeoutMs) throw new ConfigurationError("Confluent Kafka heartbeatIntervalMs must be shorter than sessionTimeoutMs");
  return {
    bootstrap,
    clientId: options.clientId ?? "postline",
    config: options.config ?? {},
    acks: ACKS[options.acks ?? "all"],
    createTopics: options.createTopics ?? true,
    topicPartitions: positive("topicPartitions", options.topicPartitions, 1),
    heartbeatIntervalMs,
    sessionTimeoutMs,
    patternRefreshMs: positive("patternRefreshMs", options.patternRefreshMs, 5_000),
    commitIntervalMs: positive("commitIntervalMs", options.commitIntervalMs, 50),
    connectTimeoutMs: positive("connectTimeoutMs", options.connectTimeoutMs, 10_000),
  };
}
