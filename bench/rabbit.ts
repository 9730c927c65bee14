// The RabbitMQ suite: raw amqplib, Postline untraced, Postline traced, and amqplib with the contrib
// instrumentation (@opentelemetry/instrumentation-amqplib), one subscriber each, against the local server.
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import type * as Amqplib from "amqplib";
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter, type ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { BatchSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace";
import { silentLogger } from "../src/index.js";
import { RabbitBroker } from "../src/rabbit/index.js";
import { RabbitTelemetryMiddleware } from "../src/rabbit/opentelemetry.js";
import { compare, median, variantResult, type Probe, type Session, type Suite, type Variant } from "./harness.js";

type Amqp = typeof Amqplib;

const URL = process.env.RABBITMQ_URL ?? "amqp://guest:guest@127.0.0.1:5672";
const PAYLOAD = { event: "bench", id: 42 };
const PAYLOAD_BYTES = Buffer.from(JSON.stringify(PAYLOAD));
const PREFETCH = 100;
const require = createRequire(import.meta.url);

/** Each run gets its own destination exchange, deleted at teardown. */
const destination = (): string => `bench.rabbit.${randomUUID().slice(0, 8)}`;

/**
 * What Postline does per message, written by hand with amqplib: the same topology (a topic exchange per
 * destination, an exclusive server-named queue bound with `#`), publisher confirms awaited per publish,
 * prefetch 100, one ack per message; a pre-encoded body, no ids, no codecs, no middleware chain.
 */
async function rawSession(amqp: Amqp, probe: Probe, confirms: boolean): Promise<Session> {
  const connection = await amqp.connect(URL, { noDelay: true });
  const exchange = destination();
  const consumer = await connection.createChannel();
  await consumer.prefetch(PREFETCH);
  await consumer.assertExchange(exchange, "topic", { durable: true });
  const { queue } = await consumer.assertQueue("", { exclusive: true, autoDelete: true });
  await consumer.bindQueue(queue, exchange, "#");
  await consumer.consume(queue, (message) => {
    if (message === null) return;
    probe.handled();
    consumer.ack(message);
  });
  const publisher = confirms ? await connection.createConfirmChannel() : await connection.createChannel();
  const properties = { contentType: "application/json", persistent: true };
  const publish = confirms
    ? () =>
        new Promise<void>((resolve, reject) => {
          (publisher as Awaited<ReturnType<typeof connection.createConfirmChannel>>).publish(exchange, "", PAYLOAD_BYTES, properties, (error: unknown) => (error ? reject(error instanceof Error ? error : new Error("publish not confirmed")) : resolve()));
        })
    : () => {
        // Without confirms the only backpressure is the socket buffer.
        if (publisher.publish(exchange, "", PAYLOAD_BYTES, properties)) return Promise.resolve();
        return new Promise<void>((resolve) => publisher.once("drain", resolve));
      };
  return {
    publish,
    async teardown() {
      await consumer.deleteExchange(exchange);
      await connection.close();
      return undefined;
    },
  };
}

const raw: Variant = {
  name: "raw-amqplib",
  description: `amqplib, confirm channel (each publish awaits its confirm), prefetch ${PREFETCH}, ack per message`,
  setup: (probe) => rawSession(require("amqplib") as Amqp, probe, true),
};

const rawNoConfirms: Variant = {
  name: "raw-no-confirms",
  description: "as raw-amqplib on a plain channel: publish resolves when amqplib buffered the message",
  extra: true,
  setup: (probe) => rawSession(require("amqplib") as Amqp, probe, false),
};

async function postlineSession(broker: RabbitBroker, probe: Probe): Promise<Session> {
  const name = destination();
  broker.subscriber(name, { prefetch: PREFETCH }).handle(() => {
    probe.handled();
    return undefined;
  });
  await broker.start();
  return {
    publish: () => broker.publish(PAYLOAD, name),
    async teardown() {
      await broker.close();
      const cleanup = await (require("amqplib") as Amqp).connect(URL);
      await (await cleanup.createChannel()).deleteExchange(name);
      await cleanup.close();
      return undefined;
    },
  };
}

const untraced: Variant = {
  name: "postline",
  description: "RabbitBroker, one subscriber (a Postline destination), no middleware; no OpenTelemetry registered",
  setup: (probe) => postlineSession(new RabbitBroker({ url: URL, logger: silentLogger }), probe),
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

/** An SDK per run (context manager, tracer and meter providers), discarding what it exports. */
function sdk() {
  if (!context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())) throw new Error("a global context manager is already registered");
  const spans = new DiscardingSpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: spans, maxQueueSize: 65_536 })] });
  const meterProvider = new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter: new DiscardingMetricExporter() })] });
  return {
    tracerProvider,
    meterProvider,
    async shutdown(probe: Probe): Promise<string[]> {
      await tracerProvider.forceFlush();
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
      context.disable();
      // A BatchSpanProcessor drops spans when its queue is full; dropped spans would flatter the figures.
      return [`${(spans.spans / probe.count).toFixed(2)} spans exported per message (expected 2.00)`];
    },
  };
}

const traced: Variant = {
  name: "postline-traced",
  description: "RabbitBroker + RabbitTelemetryMiddleware (current semconv); sdk-trace BatchSpanProcessor and sdk-metrics, discarding exporters",
  async setup(probe) {
    const otel = sdk();
    const telemetry = new RabbitTelemetryMiddleware({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider });
    const session = await postlineSession(new RabbitBroker({ url: URL, logger: silentLogger, middlewares: [telemetry] }), probe);
    return { publish: session.publish, teardown: async () => [...((await session.teardown()) ?? []), ...(await otel.shutdown(probe))] };
  },
};

/**
 * raw-amqplib with @opentelemetry/instrumentation-amqplib. It patches amqplib's internal files when they are
 * loaded, so this variant loads a fresh copy of amqplib after enabling it (the other variants keep theirs).
 */
const instrumented: Variant = {
  name: "amqplib-otel",
  description: "raw-amqplib with @opentelemetry/instrumentation-amqplib (publish + consume spans), same SDK as postline-traced",
  async setup(probe) {
    const otel = sdk();
    const { AmqplibInstrumentation } = await import("@opentelemetry/instrumentation-amqplib");
    const instrumentation = new AmqplibInstrumentation();
    instrumentation.setTracerProvider(otel.tracerProvider);
    instrumentation.setMeterProvider(otel.meterProvider);
    instrumentation.enable();
    const cached = Object.keys(require.cache).filter((key) => key.includes("/node_modules/amqplib/"));
    const saved = cached.map((key) => [key, require.cache[key]] as const);
    for (const key of cached) delete require.cache[key];
    let session: Session;
    try {
      session = await rawSession(require("amqplib") as Amqp, probe, true);
    } finally {
      for (const [key, module] of saved) require.cache[key] = module;
    }
    return {
      publish: session.publish,
      async teardown() {
        await session.teardown();
        instrumentation.disable();
        return otel.shutdown(probe);
      },
    };
  },
};

const TARGET_SHARE = 0.9;

export function rabbitSuite(): Suite {
  return {
    name: "rabbit",
    title: "RabbitMQ (amqplib), one subscriber, publisher confirms",
    variants: [raw, untraced, traced, instrumented, rawNoConfirms],
    maxInFlight: 1_000,
    comparisons: [
      { label: "framework", variant: "postline", against: "raw-amqplib" },
      { label: "tracing", variant: "postline-traced", against: "postline" },
      { label: "framework + tracing", variant: "postline-traced", against: "raw-amqplib" },
      { label: "contrib instrumentation", variant: "amqplib-otel", against: "raw-amqplib" },
      { label: "confirms", variant: "raw-amqplib", against: "raw-no-confirms" },
    ],
    targets: [
      {
        label: `postline traced ≥ ${TARGET_SHARE * 100}% of raw amqplib`,
        check: (result) => {
          const share = median(variantResult(result, "postline-traced").throughput) / median(variantResult(result, "raw-amqplib").throughput);
          return { measured: `${(share * 100).toFixed(0)}%`, met: share >= TARGET_SHARE };
        },
      },
      {
        label: "tracing adds less than the contrib instrumentation",
        check: (result) => {
          const ours = compare(result, { label: "tracing", variant: "postline-traced", against: "postline" }).addedUs;
          const theirs = compare(result, { label: "contrib", variant: "amqplib-otel", against: "raw-amqplib" }).addedUs;
          return { measured: `${ours.toFixed(1)} µs vs ${theirs.toFixed(1)} µs`, met: ours <= theirs };
        },
      },
    ],
    notes: [
      "Throughput: a publisher loop awaits each publish, which (as in Postline) waits for RabbitMQ's confirm; at most 1 000 messages published and not yet handled. One process, publisher and subscriber on one connection each.",
      "Latency: one message in flight; from just before publish() to the start of the handler.",
      "Tracing cost = 1e6/traced − 1e6/untraced msg/s. Span export is discarded: network export is not included.",
    ],
  };
}
