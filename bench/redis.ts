// The Redis suite: a raw ioredis pub/sub client, Postline untraced and Postline traced, one subscriber each on
// one channel of the real server (REDIS_URL, default redis://127.0.0.1:6379), in one run.
import { randomUUID } from "node:crypto";
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from "@opentelemetry/sdk-metrics";
import { BatchSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace";
import { Redis } from "ioredis";
import { silentLogger, type Middleware } from "../src/index.js";
import { RedisBroker } from "../src/redis/index.js";
import { RedisTelemetryMiddleware } from "../src/redis/opentelemetry.js";
import { compare, formatUs, median, variantResult, type Probe, type Session, type Suite, type Variant } from "./harness.js";

const URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const PAYLOAD = { event: "bench", id: 42 };
const PAYLOAD_BYTES = Buffer.from(JSON.stringify(PAYLOAD));

const channel = (): string => `bench.redis.${randomUUID().slice(0, 8)}`;

/** ioredis alone: PUBLISH of pre-encoded bytes, a subscriber connection counting `messageBuffer` events. */
const raw: Variant = {
  name: "raw-ioredis",
  description: "ioredis PUBLISH of a pre-encoded JSON body; a second connection SUBSCRIBEd, counting messages (no envelope, no decoding)",
  async setup(probe: Probe): Promise<Session> {
    const name = channel();
    const publisher = new Redis(URL);
    const subscriber = new Redis(URL);
    subscriber.on("messageBuffer", () => probe.handled());
    await subscriber.subscribe(name);
    return {
      publish: async () => {
        await publisher.publish(name, PAYLOAD_BYTES);
      },
      teardown: async () => {
        await Promise.all([publisher.quit(), subscriber.quit()]);
        return undefined;
      },
    };
  },
};

async function postlineSession(middlewares: readonly Middleware<"redis">[], probe: Probe): Promise<Session> {
  const name = channel();
  const broker = new RedisBroker({ url: URL, logger: silentLogger, middlewares });
  broker.subscriber(name).handle(() => {
    probe.handled();
    return undefined;
  });
  await broker.start();
  return {
    publish: () => broker.publish(PAYLOAD, name),
    teardown: async () => {
      await broker.close();
      return undefined;
    },
  };
}

const untraced: Variant = {
  name: "postline",
  description: "RedisBroker on a channel, one subscriber (FastStream binary envelope, JSON codec), no middleware",
  setup: (probe) => postlineSession([], probe),
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
  export(_metrics: unknown, resultCallback: (result: ExportResult) => void): void {
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
  description: "as postline + RedisTelemetryMiddleware (current semconv): sdk-trace BatchSpanProcessor and sdk-metrics, discarding exporters",
  async setup(probe: Probe): Promise<Session> {
    if (!context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())) throw new Error("a global context manager is already registered");
    const spans = new DiscardingSpanExporter();
    const tracerProvider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: spans })] });
    const meterProvider = new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter: new DiscardingMetricExporter() })] });
    const session = await postlineSession([new RedisTelemetryMiddleware({ tracerProvider, meterProvider })], probe);
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

const TARGET_TRACED_SHARE = 0.9;

export function redisSuite(): Suite {
  return {
    name: "redis",
    title: "Redis pub/sub (RedisBroker on one channel), one subscriber",
    variants: [raw, untraced, traced],
    comparisons: [
      { label: "framework", variant: "postline", against: "raw-ioredis" },
      { label: "tracing", variant: "postline-traced", against: "postline" },
      { label: "framework + tracing", variant: "postline-traced", against: "raw-ioredis" },
    ],
    targets: [
      {
        label: `postline traced ≥ ${TARGET_TRACED_SHARE * 100}% of raw ioredis throughput`,
        check: (result) => {
          const share = median(variantResult(result, "postline-traced").throughput) / median(variantResult(result, "raw-ioredis").throughput);
          return { measured: `${(share * 100).toFixed(0)}%`, met: share >= TARGET_TRACED_SHARE };
        },
      },
      {
        label: "tracing cost per message (informational)",
        check: (result) => ({ measured: `${formatUs(compare(result, { label: "tracing", variant: "postline-traced", against: "postline" }).addedUs)} µs`, met: true }),
      },
    ],
    maxInFlight: 1_000,
    notes: [
      "Throughput: a publisher loop awaits each PUBLISH (ioredis pipelines them on one connection); at most 1 000 messages are published but not yet handled.",
      "Latency: one message in flight; from just before publish() to the start of the handler, through the Redis server.",
      "Postline adds per message: FastStream's binary envelope (encode and decode), the JSON codec, ids and the middleware chain. Span export is discarded.",
    ],
  };
}
