// The MQTT suite (Mosquitto at 127.0.0.1:1883): the raw mqtt.js client, Postline untraced and Postline traced,
// one subscriber each, QoS 1 both ways (Postline's default), in one run.
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from "@opentelemetry/sdk-metrics";
import { BatchSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace";
import { randomUUID } from "node:crypto";
import mqtt from "mqtt";
import { silentLogger, type Middleware } from "../src/index.js";
import { MqttBroker } from "../src/mqtt/index.js";
import { MqttTelemetryMiddleware } from "../src/mqtt/opentelemetry.js";
import { formatRate, median, variantResult, type Probe, type Session, type Suite, type Variant } from "./harness.js";

const URL = process.env.POSTLINE_MQTT_URL ?? "mqtt://127.0.0.1:1883";
const PAYLOAD = { event: "bench", id: 42 };
const PAYLOAD_BYTES = Buffer.from(JSON.stringify(PAYLOAD));
/** A fresh topic per session: nothing left over from an earlier run reaches the subscriber. */
const benchTopic = (): string => `postline-bench/${randomUUID()}`;

const raw: Variant = {
  name: "raw-mqtt",
  description: "mqtt.js 5, one connection: a QoS 1 subscription whose handler counts, QoS 1 publishes of pre-encoded JSON bytes with a content type",
  async setup(probe: Probe): Promise<Session> {
    const topic = benchTopic();
    const client = await mqtt.connectAsync(URL, { protocolVersion: 5, clientId: `bench-raw-${randomUUID().slice(0, 8)}` });
    client.on("message", () => probe.handled());
    await client.subscribeAsync(topic, { qos: 1 });
    const properties = { contentType: "application/json" };
    return {
      publish: async () => {
        await client.publishAsync(topic, PAYLOAD_BYTES, { qos: 1, properties });
      },
      teardown: async () => {
        await client.endAsync();
        return undefined;
      },
    };
  },
};

async function postlineSession(middlewares: readonly Middleware<"mqtt">[], probe: Probe): Promise<Session & { broker: MqttBroker }> {
  const topic = benchTopic();
  const broker = new MqttBroker({ url: URL, logger: silentLogger, middlewares });
  broker.subscriber(topic).handle(() => {
    probe.handled();
    return undefined;
  });
  await broker.start();
  return {
    broker,
    publish: () => broker.publish(PAYLOAD, topic),
    teardown: async () => {
      await broker.close();
      return undefined;
    },
  };
}

const untraced: Variant = {
  name: "postline",
  description: "MqttBroker (QoS 1), one subscriber, no middleware; no OpenTelemetry registered at all",
  setup: (probe) => postlineSession([], probe),
};

class CountingSpanExporter implements SpanExporter {
  spans = 0;
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.spans += spans.length;
    done({ code: ExportResultCode.SUCCESS });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const discardMetrics: PushMetricExporter = {
  export: (_metrics, done) => done({ code: ExportResultCode.SUCCESS }),
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

const traced: Variant = {
  name: "postline-traced",
  description: "MqttBroker + MqttTelemetryMiddleware (current semconv): BatchSpanProcessor and PeriodicExportingMetricReader to discarding exporters; AsyncLocalStorageContextManager",
  async setup(probe: Probe): Promise<Session> {
    if (!context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())) throw new Error("a global context manager is already registered");
    const exporter = new CountingSpanExporter();
    const tracerProvider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter })] });
    const meterProvider = new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter: discardMetrics })] });
    const session = await postlineSession([new MqttTelemetryMiddleware({ tracerProvider, meterProvider })], probe);
    return {
      publish: session.publish,
      async teardown() {
        await session.teardown();
        await tracerProvider.forceFlush();
        await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
        context.disable();
        // A BatchSpanProcessor drops spans when its queue is full; dropped spans would flatter the figures.
        return [`${(exporter.spans / probe.count).toFixed(2)} spans exported per message (expected 2.00)`];
      },
    };
  },
};

const TARGET_SHARE = 0.9;

export function mqttSuite(): Suite {
  return {
    name: "mqtt",
    title: "MQTT 5 (Mosquitto 2.0, QoS 1), one subscriber on the publishing connection",
    variants: [raw, untraced, traced],
    comparisons: [
      { label: "framework", variant: "postline", against: "raw-mqtt" },
      { label: "tracing", variant: "postline-traced", against: "postline" },
      { label: "framework + tracing", variant: "postline-traced", against: "raw-mqtt" },
    ],
    targets: [
      {
        label: `postline traced ≥ ${TARGET_SHARE * 100}% of raw mqtt.js throughput`,
        check: (result) => {
          const rawRate = median(variantResult(result, "raw-mqtt").throughput);
          const tracedRate = median(variantResult(result, "postline-traced").throughput);
          return { measured: `${formatRate(tracedRate)} vs ${formatRate(rawRate)} msg/s (${((tracedRate / rawRate) * 100).toFixed(0)}%)`, met: tracedRate >= TARGET_SHARE * rawRate };
        },
      },
    ],
    // The server acknowledges a QoS 1 publish before the subscriber has the message: without a window the
    // publisher would run ahead and the run would measure a growing backlog.
    maxInFlight: 1_000,
    notes: [
      "Throughput: a publisher loop awaits each QoS 1 publish (its PUBACK); at most 1 000 messages published and not yet handled. Publisher and subscriber share one connection, as a Postline broker does.",
      "Latency: one message in flight; from just before publish() to the start of the handler (a round trip through Mosquitto).",
      "Postline's subscriber decodes the JSON body and runs the ack policy; mqtt.js acknowledges on receipt in every variant.",
    ],
  };
}
