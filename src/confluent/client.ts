// The one module that loads @confluentinc/kafka-javascript: without it installed, importing `postline/confluent`
// fails with a MissingPeerDependencyError; installed but without its native librdkafka binding, with an error
// that says how to build it. Its API is declared in native.ts (the package may be absent at build time).
import { loadPeer } from "../core/index.js";
import { ConfluentError, explainLoadFailure } from "./errors.js";
import type { ConfluentAdmin, ConfluentConsumer, ConfluentModule as Confluent, ConfluentProducer } from "./native.js";
import type { ResolvedConfluentOptions } from "./options.js";

async function load(): Promise<Confluent> {
  try {
    // A CommonJS package: from ESM its API is the default export.
    return (await loadPeer<{ default: Confluent }>("@confluentinc/kafka-javascript", "postline/confluent")).default;
  } catch (error) {
    throw explainLoadFailure(error);
  }
}

const confluent = await load();

export type { ConfluentAdmin, ConfluentConsumer, ConfluentProducer, ConfluentRecord, LibrdKafkaError, LibrdKafkaError as ConfluentRebalanceError, TopicPartition, TopicPartitionOffset } from "./native.js";
export const ASSIGN_PARTITIONS = confluent.CODES.ERRORS.ERR__ASSIGN_PARTITIONS;

/** librdkafka properties every client shares; the user's `config` is the base, Postline's own settings win. */
function base(options: ResolvedConfluentOptions, role: string) {
  return { ...options.config, "bootstrap.servers": options.bootstrap.join(","), "client.id": `${options.clientId}-${role}`, log_level: 0 };
}

function kafka(options: ResolvedConfluentOptions, role: string) {
  return new confluent.KafkaJS.Kafka(base(options, role));
}

export function createProducer(options: ResolvedConfluentOptions): ConfluentProducer {
  // Low linger: a publish resolves when the cluster has the record, so batching only what is sent together.
  return kafka(options, "producer").producer({ acks: options.acks, "linger.ms": 1, "allow.auto.create.topics": true });
}

export function createAdmin(options: ResolvedConfluentOptions): ConfluentAdmin {
  return kafka(options, "admin").admin();
}

export function createConsumer(options: ResolvedConfluentOptions, groupId: string, offsetReset: string): ConfluentConsumer {
  return new confluent.KafkaConsumer({
    ...base(options, "consumer"),
    "group.id": groupId,
    // Offsets are committed by hand, only for settled records (see KafkaDeliveries and OffsetLedger).
    "enable.auto.commit": false,
    "enable.auto.offset.store": false,
    "auto.offset.reset": offsetReset,
    "heartbeat.interval.ms": options.heartbeatIntervalMs,
    "session.timeout.ms": options.sessionTimeoutMs,
    // Pattern subscriptions notice new topics when librdkafka refreshes its metadata.
    "topic.metadata.refresh.interval.ms": options.patternRefreshMs,
    "fetch.wait.max.ms": 100,
    rebalance_cb: true,
  });
}

/** A failure to reach the cluster, with the servers named (librdkafka's error is the cause). */
export function connectionError(options: ResolvedConfluentOptions, doing: string, cause: unknown): ConfluentError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ConfluentError(`Kafka (librdkafka): could not ${doing} (bootstrap servers ${options.bootstrap.join(", ")}): ${reason}`, { cause });
}

/** Races a client's promise against a deadline: librdkafka retries an unreachable cluster for a long time. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
