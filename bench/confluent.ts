// The Confluent suite: the raw @confluentinc/kafka-javascript client (its KafkaJS-style producer, its
// librdkafka consumer in flowing mode), and Postline untraced and traced on the same client, one subscriber
// each, against the real cluster.
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { BatchSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace";
import Confluent from "@confluentinc/kafka-javascript";
import { ConfluentBroker } from "../src/confluent/index.js";
import { KafkaTelemetryMiddleware } from "../src/confluent/opentelemetry.js";
import { silentLogger } from "../src/index.js";
import { median, variantResult, type Probe, type Session, type Suite, type Variant } from "./harness.js";

const BOOTSTRAP = process.env.POSTLINE_KAFKA_BOOTSTRAP ?? "127.0.0.1:9092";
const PAYLOAD = { event: "bench", id: 42 };
const PAYLOAD_BYTES = Buffer.from(JSON.stringify(PAYLOAD));
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

async function postlineSession(probe: Probe, middlewares: KafkaTelemetryMiddleware[]): Promise<Session> {
  const { topic, drop } = await freshTopic();
  const broker = new ConfluentBroker({ bootstrapServers: BOOTSTRAP, logger: silentLogger, middlewares });
  broker.subscriber(topic, { autoOffsetReset: "earliest" }).handle(() => {
    probe.handled();
  });
  await broker.start();
  await broker.waitForAssignment();
  return {
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
  description: "ConfluentBroker, one subscriber, no middleware (commit per settled message, coalesced every 50 ms)",
  setup: (probe) => postlineSession(probe, []),
};

const traced: Variant = {
  name: "postline-traced",
  description: "ConfluentBroker + KafkaTelemetryMiddleware (current semconv), sdk-trace BatchSpanProcessor to a discarding exporter, sdk-metrics MeterProvider",
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

export function confluentSuite(): Suite {
  return {
    name: "confluent",
    title: "Kafka 4.4 (single node, 127.0.0.1:9092) through librdkafka (@confluentinc/kafka-javascript), one subscriber, one partition",
    variants: [rawClient, untraced, traced],
    comparisons: [
      { label: "framework", variant: "postline", against: "raw-confluent" },
      { label: "tracing", variant: "postline-traced", against: "postline" },
      { label: "framework + tracing", variant: "postline-traced", against: "raw-confluent" },
    ],
    targets: [
      {
        label: "postline traced ≥ 90% of the raw client's throughput",
        check: (result) => {
          const ratio = median(variantResult(result, "postline-traced").throughput) / median(variantResult(result, "raw-confluent").throughput);
          return { measured: `${(ratio * 100).toFixed(0)}%`, met: ratio >= 0.9 };
        },
      },
    ],
    maxInFlight: 1_000,
    notes: [
      "Throughput: a publisher loop awaits each send (acks from all in-sync replicas; linger 1 ms), so it is bounded by the produce round trip; at most 1 000 messages are published but not yet handled.",
      "Latency: one message in flight, from just before the send to the start of the handler (produce, librdkafka fetch, the consume loop's thread hop, dispatch).",
      "Run with small counts: `--only confluent --messages 5000 --warmup 500 --latency 1000 --runs 3`.",
    ],
  };
}
