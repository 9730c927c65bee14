// The Kafka suite: the raw @platformatic/kafka client, Postline untraced and traced on it, and kafkajs with
// @opentelemetry/instrumentation-kafkajs (the contrib path), one subscriber each, against the real cluster.
import { createRequire } from "node:module";
import { KafkaJsInstrumentation } from "@opentelemetry/instrumentation-kafkajs";
import { Admin, Consumer, Producer, stringSerializer } from "@platformatic/kafka";
import type * as KafkaJs from "kafkajs";
import { silentLogger, type Middleware } from "../src/index.js";
import { KafkaBroker } from "../src/kafka/index.js";
import { KafkaTelemetryMiddleware } from "../src/kafka/opentelemetry.js";
import { compare, formatRate, type Comparison, type Probe, type Session, type Suite, type Variant } from "./harness.js";
import { startOtel, type OtelOptions } from "./otel.js";
import { PAYLOAD, PAYLOAD_JSON, TRACED, postlineSession, postlineVariants, rate, standardComparisons, tracedShareTarget, tracedVariant, type PostlineSpec } from "./variants.js";

const BOOTSTRAP = process.env.POSTLINE_KAFKA_BOOTSTRAP ?? "127.0.0.1:9092";
const PAYLOAD_BYTES = Buffer.from(PAYLOAD_JSON);
/** A MeterProvider without readers: metrics are recorded, never collected. A deep span queue drops nothing. */
const OTEL: OtelOptions = { maxQueueSize: 65_536, metricReader: false };
let topics = 0;

/** A fresh topic per session: no backlog of an earlier variant is ever read. Deleted at teardown. */
async function freshTopic(): Promise<{ topic: string; drop: () => Promise<void> }> {
  const topic = `postline-bench.${process.pid}.${++topics}.${Date.now()}`;
  const admin = new Admin({ clientId: "bench-admin", bootstrapBrokers: [BOOTSTRAP] });
  await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
  return {
    topic,
    drop: async () => {
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.close();
    },
  };
}

const rawClient: Variant = {
  name: "raw-platformatic",
  description: "@platformatic/kafka Producer.send (acks all) + Consumer stream (autocommit 100 ms); pre-encoded body",
  async setup(probe: Probe): Promise<Session> {
    const { topic, drop } = await freshTopic();
    const producer = new Producer({ clientId: "bench-raw", bootstrapBrokers: [BOOTSTRAP], serializers: { headerKey: stringSerializer } });
    const consumer = new Consumer({ clientId: "bench-raw", groupId: `${topic}.raw`, bootstrapBrokers: [BOOTSTRAP] });
    const stream = await consumer.consume({ topics: [topic], autocommit: 100, mode: "committed", fallbackMode: "earliest", maxWaitTime: 1_000 });
    stream.on("data", () => probe.handled());
    return {
      publish: async () => {
        await producer.send({ messages: [{ topic, value: PAYLOAD_BYTES, headers: { "content-type": Buffer.from("application/json") } }] });
      },
      teardown: async () => {
        await stream.close();
        await consumer.close(true);
        await producer.close(true);
        await drop();
        return undefined;
      },
    };
  },
};

const spec: PostlineSpec<Middleware<"kafka">> = {
  async session(probe, middlewares) {
    const { topic, drop } = await freshTopic();
    const broker = new KafkaBroker({ bootstrapServers: BOOTSTRAP, logger: silentLogger, middlewares });
    return postlineSession(broker, topic, probe, { subscribe: { autoOffsetReset: "earliest" }, ready: () => broker.waitForAssignment(), cleanup: drop });
  },
  telemetry: (providers) => new KafkaTelemetryMiddleware(providers),
  otel: OTEL,
};

const [untraced, traced] = postlineVariants(spec, {
  untraced: "KafkaBroker, one subscriber, no middleware (commit per settled message, coalesced by the client)",
  traced: "KafkaBroker + KafkaTelemetryMiddleware (current semconv), sdk-trace BatchSpanProcessor to a discarding exporter, sdk-metrics MeterProvider",
});

// Extras (named with --variants): where tracing's cost on Kafka goes.
const tracedSpansOnly = tracedVariant(spec, "as postline-traced without a MeterProvider (spans only)", { name: "traced-spans-only", metrics: false, extra: true });
const tracedMetricsOnly = tracedVariant(spec, "as postline-traced without a TracerProvider (metrics only; the W3C context is still injected)", { name: "traced-metrics-only", spans: false, extra: true });

const contrib: Variant = {
  name: "kafkajs-contrib",
  description: "kafkajs 2.2 producer.send + consumer.run eachMessage, traced by @opentelemetry/instrumentation-kafkajs (same SDK set-up)",
  async setup(probe: Probe): Promise<Session> {
    const otel = startOtel(OTEL);
    const instrumentation = otel.instrument(new KafkaJsInstrumentation());
    // kafkajs is CommonJS: the instrumentation patches it through require, so it is loaded after enable().
    const { Kafka, logLevel } = createRequire(import.meta.url)("kafkajs") as typeof KafkaJs;
    const { topic, drop } = await freshTopic();
    const kafka = new Kafka({ clientId: "bench-kafkajs", brokers: [BOOTSTRAP], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: `${topic}.kafkajs`, maxWaitTimeInMs: 1_000 });
    await Promise.all([producer.connect(), consumer.connect()]);
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: () => {
        probe.handled();
        return Promise.resolve();
      },
    });
    return {
      publish: async () => {
        await producer.send({ topic, messages: [{ value: JSON.stringify(PAYLOAD), headers: { "content-type": "application/json" } }] });
      },
      teardown: async () => {
        await consumer.disconnect();
        await producer.disconnect();
        instrumentation.disable();
        await drop();
        await otel.stop();
        return [otel.spansPerMessage(probe.count)];
      },
    };
  },
};

const VS_CONTRIB: Comparison = { label: "Postline traced vs contrib", variant: TRACED, against: "kafkajs-contrib" };

export function kafkaSuite(): Suite {
  return {
    name: "kafka",
    title: "Kafka 4.4 (single node, 127.0.0.1:9092), one subscriber, one partition",
    variants: [rawClient, untraced, traced, contrib, tracedSpansOnly, tracedMetricsOnly],
    comparisons: [...standardComparisons("raw-platformatic"), VS_CONTRIB],
    targets: [
      tracedShareTarget("raw-platformatic", "the raw client's throughput"),
      {
        label: "postline traced faster than kafkajs + instrumentation-kafkajs",
        check: (result) => {
          const ours = rate(result, TRACED);
          const theirs = rate(result, "kafkajs-contrib");
          const { addedUs } = compare(result, VS_CONTRIB);
          return { measured: `${formatRate(ours)} vs ${formatRate(theirs)} msg/s (${addedUs.toFixed(0)} µs/msg)`, met: ours > theirs };
        },
      },
    ],
    maxInFlight: 1_000,
    notes: [
      "Throughput: a publisher loop awaits each send (acks from the partition leader), so it is bounded by the produce round trip; at most 1 000 messages are published but not yet handled.",
      "Latency: one message in flight, from just before the send to the start of the handler (produce, fetch long-poll wake-up, dispatch).",
      "Run with small counts: `--only kafka --messages 5000 --warmup 500 --latency 1000 --runs 3`.",
    ],
  };
}
