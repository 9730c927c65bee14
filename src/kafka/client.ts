// The one module that loads @platformatic/kafka: without it installed, importing `postline/kafka` fails with
// a MissingPeerDependencyError that says what to install. Everything else imports only its types.
import type * as Platformatic from "@platformatic/kafka";
import { loadPeer } from "../core/index.js";
import { KafkaError } from "./errors.js";
import type { ResolvedKafkaOptions } from "./options.js";

const kafka = await loadPeer<typeof Platformatic>("@platformatic/kafka", "postline/kafka");

/** Header names as text, values as the bytes Kafka carries. */
export type KafkaRecord = Platformatic.Message<Buffer, Buffer, string, Buffer>;
export type KafkaConsumer = Platformatic.Consumer<Buffer, Buffer, string, Buffer>;
export type KafkaProducer = Platformatic.Producer<Buffer, Buffer, string, Buffer>;
export type KafkaStream = Platformatic.MessagesStream<Buffer, Buffer, string, Buffer>;
export type KafkaAdmin = Platformatic.Admin;
export type RecordToProduce = Platformatic.MessageToProduce<Buffer, Buffer, string, Buffer>;

function base(options: ResolvedKafkaOptions, role: string) {
  return { ...options.connection, clientId: `${options.clientId}-${role}`, bootstrapBrokers: options.bootstrap, retryDelay: 100 };
}

export function createProducer(options: ResolvedKafkaOptions): KafkaProducer {
  // Publishing to a topic nobody created yet lets the cluster create it (if its configuration allows).
  return new kafka.Producer({ ...base(options, "producer"), acks: options.acks, autocreateTopics: true, serializers: { headerKey: kafka.stringSerializer } });
}

export function createAdmin(options: ResolvedKafkaOptions): KafkaAdmin {
  return new kafka.Admin(base(options, "admin"));
}

export function createConsumer(options: ResolvedKafkaOptions, groupId: string): KafkaConsumer {
  return new kafka.Consumer({
    ...base(options, "consumer"),
    groupId,
    autocommit: false,
    heartbeatInterval: options.heartbeatIntervalMs,
    sessionTimeout: options.sessionTimeoutMs,
    rebalanceTimeout: Math.max(options.sessionTimeoutMs, 30_000),
    deserializers: { headerKey: kafka.stringDeserializer },
  });
}

/** A failure to reach the cluster, with the servers named (the client's own error is the cause). */
export function connectionError(options: ResolvedKafkaOptions, doing: string, cause: unknown): KafkaError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new KafkaError(`Kafka: could not ${doing} (bootstrap servers ${options.bootstrap.join(", ")}): ${reason}`, { cause });
}
