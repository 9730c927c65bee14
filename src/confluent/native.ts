// The part of @confluentinc/kafka-javascript's API that postline/confluent calls, declared here instead of
// imported. The package is a native addon that compiles librdkafka when it installs, and on many machines it
// cannot (no Debian dev libraries, not root): npm then leaves it out, and a compile that imported its types
// would stop the whole build, the in-process broker and every pure-TypeScript adapter included. Declaring what
// we use keeps postline building and type-checking without it, and keeps the published `.d.ts` free of it.
// test/confluent/native-api.test.ts checks that the real module satisfies these declarations.

/** librdkafka's error object (rdkafka.d.ts `LibrdKafkaError`). */
export interface LibrdKafkaError {
  message: string;
  code: number;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface TopicPartitionOffset extends TopicPartition {
  offset: number;
}

/** A record as the consumer's `data` event hands it over. */
export interface ConfluentRecord extends TopicPartitionOffset {
  value: Buffer | null;
  size: number;
  key?: Buffer | string | null | undefined;
  timestamp?: number;
  headers?: { [key: string]: string | Buffer }[];
}

type Callback<T = void> = (error: LibrdKafkaError | null | undefined, result: T) => void;

/** The callback-style consumer (`KafkaConsumer`): Postline drives commits and flow control itself. */
export interface ConfluentConsumer {
  on(event: "rebalance", listener: (error: LibrdKafkaError, assignment: TopicPartition[]) => void): this;
  on(event: "data", listener: (record: ConfluentRecord) => void): this;
  on(event: "event.error", listener: (error: LibrdKafkaError) => void): this;
  connect(options: { timeout?: number }, callback: (error: LibrdKafkaError | null | undefined) => void): this;
  disconnect(callback?: (error: unknown) => void): this;
  isConnected(): boolean;
  subscribe(topics: (string | RegExp)[]): this;
  setDefaultConsumeTimeout(timeoutMs: number): void;
  setDefaultConsumeLoopTimeoutDelay(timeoutMs: number): void;
  consume(): void;
  assignments(): TopicPartition[];
  committed(partitions: TopicPartition[], timeoutMs: number, callback: Callback<TopicPartitionOffset[]>): this;
  queryWatermarkOffsets(topic: string, partition: number, timeoutMs: number, callback: Callback<{ highOffset: number; lowOffset: number }>): unknown;
  seek(position: TopicPartitionOffset, timeoutMs: number | null, callback: (error: LibrdKafkaError | null | undefined) => void): this;
  pause(partitions: TopicPartition[]): unknown;
  resume(partitions: TopicPartition[]): unknown;
  commit(offsets: TopicPartitionOffset[]): this;
  commitSync(offsets: TopicPartitionOffset[]): this;
}

/** A record for the KafkaJS-style producer. */
export interface ConfluentOutgoingRecord {
  key?: Buffer;
  value: Buffer | null;
  partition?: number;
  timestamp?: string;
  headers: { [key: string]: Buffer | string };
}

export interface ConfluentProducer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  send(batch: { topic: string; messages: ConfluentOutgoingRecord[] }): Promise<unknown>;
}

export interface ConfluentAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  createTopics(options: { topics: { topic: string; numPartitions?: number }[] }): Promise<boolean>;
  deleteTopics(options: { topics: string[] }): Promise<void>;
  deleteGroups(groupIds: string[]): Promise<unknown>;
}

/** librdkafka properties, passed through as they are. */
export type LibrdkafkaProperties = Record<string, string | number | boolean | ((...args: never[]) => unknown) | undefined>;

/** The module's default export, as far as Postline uses it. */
export interface ConfluentModule {
  CODES: { ERRORS: { ERR__ASSIGN_PARTITIONS: number } };
  KafkaConsumer: new (config: LibrdkafkaProperties) => ConfluentConsumer;
  KafkaJS: {
    Kafka: new (config: LibrdkafkaProperties) => {
      producer(config: LibrdkafkaProperties): ConfluentProducer;
      admin(): ConfluentAdmin;
    };
  };
}
