// The Kafka suite: the raw @platformatic/kafka client, Postline untraced and traced on it, and kafkajs with
// @opentelemetry/instrumentation-kafkajs (the contrib path), one subscriber each, against the real cluster.
import { createRequire } from "node:module";
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { KafkaJsInstrumentation } from "@opentelemetry/instrumentation-kafkajs";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { BatchSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace";
import { Admin, Consumer, Producer, stringSerializer } from "@platformatic/kafka";
import type * as KafkaJs from "kafkajs";
import { silentLogger } from "../src/index.js";
import { KafkaBroker } from "../src/kafka/index.js";
import { KafkaTelemetryMiddleware } from "../src/kafka/opentelemetry.js";
import { compare, formatRate, median, variantResult, type Probe, type Session, type Suite, type Variant } from "./harness.js";

const BOOTSTRAP = process.env.POSTLINE_KAFKA_BOOTSTRAP ?? "127.0.0.1:9092";
const PAYLOAD = { event: "bench", id: 42 };
const PAYLOAD_BYTES = Buffer.from(JSON.stringify(PAYLOAD));
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

class DiscardingSpanExporter implements SpanExporter {
  spans = 0;
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.spans += spans.length;
    done({ code: ExportResultCode.SUCCESS });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** A TracerProvider exporting to nowhere, a MeterProvider without readers, and a context manager for the run. */
function tracing(): { tracerProvider: TracerProvider; meterProvider: MeterProvider; exporter: DiscardingSpanExporter; stop: () => Promise<void> } {
  if (!context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())) throw new Error("a global context manager is already registered");
  const exporter = new DiscardingSpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter, maxQueueSize: 65_536 })] });
  const meterProvider = new MeterProvider();
  return {
    tracerProvider,
    meterProvider,
    exporter,
    stop: async () => {
      await tracerProvider.forceFlush();
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
      context.disable();
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

async function postlineSession(probe: Probe, middlewares: KafkaTelemetryMiddleware[]): Promise<Session & { topic: string }> {
  const { topic, drop } = await freshTopic();
  const broker = new KafkaBroker({ bootstrapServers: BOOTSTRAP, logger: silentLogger, middlewares });
  broker.subscriber(topic, { autoOffsetReset: "earliest" }).handle(() => {
    probe.handled();
  });
  await broker.start();
  await broker.waitForAssignment();
  return {
    topic,
    publish: () => broker.publish(PAYLOAD, topic),
    teardown: async () => {
      await broker.close();
      await drop();
      return undefined;
    },
  };
}

const untraced: Variant = {
  name: "postline",
  description: "KafkaBroker, one subscriber, no middleware (commit per settled message, coalesced by the client)",
  setup: (probe) => postlineSession(probe, []),
};

const traced: Variant = {
  name: "postline-traced",
  description: "KafkaBroker + KafkaTelemetryMiddleware (current semconv), sdk-trace BatchSpanProcessor to a discarding exporter, sdk-metrics MeterProvider",
  async setup(probe: Probe): Promise<Session> {
    const otel = tracing();
    const session = await postlineSession(probe, [new KafkaTelemetryMiddleware({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider })]);
    return {
      publish: session.publish,
      teardown: async () => {
        await session.teardown();
        await otel.stop();
        return [`${(otel.exporter.spans / probe.count).toFixed(2)} spans exported per message (expected 2.00)`];
      },
    };
  },
};

const contrib: Variant = {
  name: "kafkajs-contrib",
  description: "kafkajs 2.2 producer.send + consumer.run eachMessage, traced by @opentelemetry/instrumentation-kafkajs (same SDK set-up)",
  async setup(probe: Probe): Promise<Session> {
    const otel = tracing();
    const instrumentation = new KafkaJsInstrumentation();
    instrumentation.setTracerProvider(otel.tracerProvider);
    instrumentation.setMeterProvider(otel.meterProvider);
    instrumentation.enable();
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
        return [`${(otel.exporter.spans / probe.count).toFixed(2)} spans exported per message`];
      },
    };
  },
};

export function kafkaSuite(): Suite {
  return {
    name: "kafka",
    title: "Kafka 4.4 (single node, 127.0.0.1:9092), one subscriber, one partition",
    variants: [rawClient, untraced, traced, contrib],
    comparisons: [
      { label: "framework", variant: "postline", against: "raw-platformatic" },
      { label: "tracing", variant: "postline-traced", against: "postline" },
      { label: "framework + tracing", variant: "postline-traced", against: "raw-platformatic" },
      { label: "Postline traced vs contrib", variant: "postline-traced", against: "kafkajs-contrib" },
    ],
    targets: [
      {
        label: "postline traced ≥ 90% of the raw client's throughput",
        check: (result) => {
          const ratio = median(variantResult(result, "postline-traced").throughput) / median(variantResult(result, "raw-platformatic").throughput);
          return { measured: `${(ratio * 100).toFixed(0)}%`, met: ratio >= 0.9 };
        },
      },
      {
        label: "postline traced faster than kafkajs + instrumentation-kafkajs",
        check: (result) => {
          const ours = median(variantResult(result, "postline-traced").throughput);
          const theirs = median(variantResult(result, "kafkajs-contrib").throughput);
          const { addedUs } = compare(result, { label: "vs contrib", variant: "postline-traced", against: "kafkajs-contrib" });
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
