// NATS core: the raw NATS.js client vs Postline untraced vs Postline traced, one subscriber, one process.
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter, type ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { BatchSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace";
import { connect } from "@nats-io/transport-node";
import { randomUUID } from "node:crypto";
import { silentLogger } from "../src/index.js";
import { NatsBroker } from "../src/nats/index.js";
import { NatsTelemetryMiddleware } from "../src/nats/opentelemetry.js";
import { compare, formatRate, median, variantResult, type Probe, type Session, type Suite, type Variant } from "./harness.js";

const SERVER = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
const PAYLOAD = { event: "bench", id: 42 };
const PAYLOAD_BYTES = new TextEncoder().encode(JSON.stringify(PAYLOAD));
const subject = (): string => `postline.bench.${randomUUID().slice(0, 8)}`;

/** NATS.js alone: a callback subscription and a pre-encoded body, no headers. */
const raw: Variant = {
  name: "raw-nats",
  description: "NATS.js 3 core publish + callback subscription; pre-encoded body, no headers",
  async setup(probe: Probe): Promise<Session> {
    const nc = await connect({ servers: SERVER });
    const dest = subject();
    nc.subscribe(dest, { callback: () => probe.handled() });
    await nc.flush();
    return {
      publish: () => {
        nc.publish(dest, PAYLOAD_BYTES);
        return Promise.resolve();
      },
      teardown: async () => {
        await nc.drain();
        return undefined;
      },
    };
  },
};

async function postlineSession(broker: NatsBroker, probe: Probe): Promise<Session> {
  const dest = subject();
  broker.subscriber(dest).handle(() => {
    probe.handled();
    return undefined;
  });
  await broker.start();
  return {
    publish: () => broker.publish(PAYLOAD, dest),
    teardown: async () => {
      await broker.close();
      return undefined;
    },
  };
}

const untraced: Variant = {
  name: "postline",
  description: "NatsBroker, one core subscriber, no middleware; no OpenTelemetry registered",
  setup: (probe) => postlineSession(new NatsBroker({ servers: SERVER, logger: silentLogger }), probe),
};

class DiscardingSpanExporter implements SpanExporter {
  spans = 0;
  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.spans += spans.length;
    resultCallback({ code: ExportResultCode.SUCCESS });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

class DiscardingMetricExporter implements PushMetricExporter {
  last: ResourceMetrics | undefined;
  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    this.last = metrics;
    resultCallback({ code: ExportResultCode.SUCCESS });
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const traced: Variant = {
  name: "postline-traced",
  description: "NatsBroker + NatsTelemetryMiddleware (current semconv): TracerProvider + BatchSpanProcessor and MeterProvider, discarding exporters; AsyncLocalStorageContextManager",
  async setup(probe: Probe): Promise<Session> {
    if (!context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())) throw new Error("a global context manager is already registered");
    const spans = new DiscardingSpanExporter();
    const tracerProvider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: spans, maxQueueSize: 65_536 })] });
    const meterProvider = new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter: new DiscardingMetricExporter() })] });
    const telemetry = new NatsTelemetryMiddleware({ tracerProvider, meterProvider });
    const session = await postlineSession(new NatsBroker({ servers: SERVER, logger: silentLogger, middlewares: [telemetry] }), probe);
    return {
      publish: session.publish,
      async teardown() {
        await session.teardown();
        await tracerProvider.forceFlush();
        await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
        context.disable();
        return [`${(spans.spans / probe.count).toFixed(2)} spans exported per message (expected 2.00)`];
      },
    };
  },
};

const TARGET_RATIO = 0.9;

export function natsSuite(): Suite {
  return {
    name: "nats",
    title: "NATS core subject (NATS.js 3, server 2.9 on this machine), one subscriber in the publishing process",
    variants: [raw, untraced, traced],
    comparisons: [
      { label: "framework", variant: "postline", against: "raw-nats" },
      { label: "tracing", variant: "postline-traced", against: "postline" },
      { label: "framework + tracing", variant: "postline-traced", against: "raw-nats" },
    ],
    targets: [
      {
        label: `postline traced ≥ ${TARGET_RATIO * 100}% of raw NATS.js throughput`,
        check: (result) => {
          const ratio = median(variantResult(result, "postline-traced").throughput) / median(variantResult(result, "raw-nats").throughput);
          return { measured: `${(ratio * 100).toFixed(0)}% (${formatRate(median(variantResult(result, "postline-traced").throughput))} msg/s)`, met: ratio >= TARGET_RATIO };
        },
      },
      {
        label: "tracing cost reported",
        check: (result) => {
          const { addedUs } = compare(result, { label: "tracing", variant: "postline-traced", against: "postline" });
          return { measured: `${addedUs.toFixed(2)} µs/msg`, met: true };
        },
      },
    ],
    // The server acks nothing on core subjects: without a window the publisher would outrun the subscriber.
    maxInFlight: 1_000,
    notes: [
      "Throughput: a publisher loop with at most 1 000 published-but-unhandled messages (--in-flight to change); publisher and subscriber share one Node process and one connection each.",
      "Latency: one message in flight; from just before publish() to the start of the handler (a full round trip through the server).",
    ],
  };
}
