// The Confluent suite: the raw @confluentinc/kafka-javascript client (its KafkaJS-style producer, its
// librdkafka consumer in flowing mode), and Postline untraced and traced on the same client, one subscriber
// each, against the real cluster.
import Confluent from "@confluentinc/kafka-javascript";
import { ConfluentBroker } from "../src/confluent/index.js";
import { KafkaTelemetryMiddleware } from "../src/confluent/opentelemetry.js";
import { silentLogger } from "../src/index.js";
import type { Probe, Session, Suite, Variant } from "./harness.js";
import { PAYLOAD_JSON, postlineSession, postlineVariants, standardComparisons, tracedShareTarget, type PostlineSpec } from "./variants.js";

const BOOTSTRAP = process.env.POSTLINE_KAFKA_BOOTSTRAP ?? "127.0.0.1:9092";
const PAYLOAD_BYTES = Buffer.from(PAYLOAD_JSON);
const CLIENT = { "bootstrap.servers": BOOTSTRAP, log_level: 0 } as Confluent.KafkaJS.CommonConstructorConfig;
let topics = 0;

/** A fresh topic per session: no backlog of an earlier variant is ever read. Deleted at teardown. */
async function freshTopic(): Promise<{ topic: string; drop: () => Promise<void> }> {
  const topic = `postline-bench-confluent.${process.pid}.${++topics}.${Date.now()}`;
  const admin = new Confluent.KafkaJS.Kafka(CLIENT).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  return {
    topic,
    drop: async () => {
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}

const rawClient: Variant = {
  name: "raw-confluent",
  description: "KafkaJS-style Producer.send (acks all, linger 1 ms) + librdkafka KafkaConsumer flowing mode (auto commit); pre-encoded body",
  async setup(probe: Probe): Promise<Session> {
    const { topic, drop } = await freshTopic();
    const producer = new Confluent.KafkaJS.Kafka(CLIENT).producer({ acks: -1, "linger.ms": 1 });
    await producer.connect();
    const consumer = new Confluent.KafkaConsumer({ "bootstrap.servers": BOOTSTRAP, "group.id": `${topic}.raw`, "auto.offset.reset": "earliest", "fetch.wait.max.ms": 100, log_level: 0 });
    await new Promise<void>((resolve, reject) => consumer.connect({}, (error) => (error ? reject(new Error(error.message, { cause: error })) : resolve())));
    consumer.on("data", () => probe.handled());
    consumer.subscribe([topic]);
    consumer.setDefaultConsumeTimeout(100);
    consumer.setDefaultConsumeLoopTimeoutDelay(0);
    consumer.consume();
    return {
      publish: async () => {
        await producer.send({ topic, messages: [{ value: PAYLOAD_BYTES, headers: { "content-type": "application/json" } }] });
      },
      teardown: async () => {
        await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
        await producer.disconnect();
        await drop();
        return undefined;
      },
    };
  },
};

const spec: PostlineSpec<KafkaTelemetryMiddleware> = {
  async session(probe, middlewares) {
    const { topic, drop } = await freshTopic();
    const broker = new ConfluentBroker({ bootstrapServers: BOOTSTRAP, logger: silentLogger, middlewares });
    return postlineSession(broker, topic, probe, { subscribe: { autoOffsetReset: "earliest" }, ready: () => broker.waitForAssignment(), cleanup: drop });
  },
  telemetry: (providers) => new KafkaTelemetryMiddleware(providers),
  // As in the Kafka suite: a MeterProvider without readers, and a span queue deep enough to drop nothing.
  otel: { maxQueueSize: 65_536, metricReader: false },
};

const [untraced, traced] = postlineVariants(spec, {
  untraced: "ConfluentBroker, one subscriber, no middleware (commit per settled message, coalesced every 50 ms)",
  traced: "ConfluentBroker + KafkaTelemetryMiddleware (current semconv), sdk-trace BatchSpanProcessor to a discarding exporter, sdk-metrics MeterProvider",
});

export function confluentSuite(): Suite {
  return {
    name: "confluent",
    title: "Kafka 4.4 (single node, 127.0.0.1:9092) through librdkafka (@confluentinc/kafka-javascript), one subscriber, one partition",
    variants: [rawClient, untraced, traced],
    comparisons: standardComparisons("raw-confluent"),
    targets: [tracedShareTarget("raw-confluent", "the raw client's throughput")],
    maxInFlight: 1_000,
    notes: [
      "Throughput: a publisher loop awaits each send (acks from all in-sync replicas; linger 1 ms), so it is bounded by the produce round trip; at most 1 000 messages are published but not yet handled.",
      "Latency: one message in flight, from just before the send to the start of the handler (produce, librdkafka fetch, the consume loop's thread hop, dispatch).",
      "Run with small counts: `--only confluent --messages 5000 --warmup 500 --latency 1000 --runs 3`.",
    ],
  };
}
