// The in-process suite: the raw hub, Postline untraced and Postline traced, one subscriber each, in one run;
// plus extras (run only when named with --variants) that split the tracing cost and try the profile's fixes.
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter, type ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { BatchSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace";
import { jsonCodec, silentLogger, type Codec } from "../src/index.js";
import { MemoryBroker, MemoryHub } from "../src/memory/index.js";
import type { GroupMember } from "../src/memory/group-queue.js";
import { MemoryTelemetryMiddleware } from "../src/memory/opentelemetry.js";
import { compare, formatRate, formatUs, median, variantResult, type Probe, type Session, type Suite, type Variant } from "./harness.js";

const DESTINATION = "bench";
/** A small JSON body, as events usually are: Postline encodes and decodes it, the raw hub gets its bytes. */
const PAYLOAD = { event: "bench", id: 42 };
const PAYLOAD_BYTES = new TextEncoder().encode(JSON.stringify(PAYLOAD));

/** The hub without the broker: a member that acks at once. What the framework's layers are measured against. */
const rawHub: Variant = {
  name: "raw-hub",
  description: "MemoryHub + a group member that acks; pre-encoded body, no ids, no codecs, no middleware chain",
  async setup(probe: Probe): Promise<Session> {
    const hub = new MemoryHub();
    const member: GroupMember = {
      concurrency: 1,
      batch: undefined,
      inFlight: 0,
      deliver: (_messages, settle) => {
        probe.handled();
        settle({ kind: "ack" });
        return Promise.resolve();
      },
    };
    // The member acks everything: nothing is ever dropped.
    const leave = hub.join(DESTINATION, member, { group: undefined, deadLetter: undefined, maxDeliveries: undefined, onDrop: () => {} });
    return {
      publish: () =>
        hub.publish({
          destination: DESTINATION,
          body: PAYLOAD_BYTES,
          headers: {},
          contentType: "application/json",
          correlationId: undefined,
          messageId: undefined,
          replyTo: undefined,
        }) ?? Promise.resolve(),
      teardown: () => {
        leave();
        return Promise.resolve(undefined);
      },
    };
  },
};

/** A subscriber whose handler does nothing but count, on a started broker. */
async function postlineSession(broker: MemoryBroker, probe: Probe): Promise<Session> {
  broker.subscriber(DESTINATION).handle(() => {
    probe.handled();
    return undefined;
  });
  await broker.start();
  return {
    publish: () => broker.publish(PAYLOAD, DESTINATION),
    teardown: async () => {
      await broker.close();
      return undefined;
    },
  };
}

const untraced: Variant = {
  name: "postline",
  description: "MemoryBroker, one subscriber, no middleware; no OpenTelemetry registered at all",
  setup: (probe) => postlineSession(new MemoryBroker({ logger: silentLogger }), probe),
};

/**
 * What-if for the profile's top untraced hotspot: JSON encoded with `Buffer.from` (small strings become slices
 * of Node's shared pool) instead of `TextEncoder.encode` (one new ArrayBuffer per message). Registered as a
 * user codec, which takes over the built-in one for application/json.
 */
const pooledJson: Codec = {
  contentType: "application/json",
  accepts: (type) => type === "application/json" || type.endsWith("+json"),
  encode: (value) => Buffer.from(JSON.stringify(value), "utf8"),
  decode: (bytes) => jsonCodec.decode(bytes),
};

const untracedExtras: Variant[] = [
  {
    name: "postline-buffer-1k",
    description: "as postline with bufferSize: 1000 (the hub's default is 10 000)",
    extra: true,
    setup: (probe) => postlineSession(new MemoryBroker({ logger: silentLogger, bufferSize: 1000 }), probe),
  },
  {
    name: "postline-pooled-json",
    description: "as postline with a JSON codec that encodes with Buffer.from instead of TextEncoder",
    extra: true,
    setup: (probe) => postlineSession(new MemoryBroker({ logger: silentLogger, codecs: [pooledJson] }), probe),
  },
  {
    name: "postline-1k-pooled",
    description: "both of the above",
    extra: true,
    setup: (probe) => postlineSession(new MemoryBroker({ logger: silentLogger, bufferSize: 1000, codecs: [pooledJson] }), probe),
  },
];

/** Counts and drops spans: the framework's tracing cost without the network cost of an exporter. */
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

/** Drops metrics but remembers the last collection, to check that every message was counted. */
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

  /** The cumulative value of a counter in the last collection. */
  counter(name: string): number {
    let total = 0;
    for (const scope of this.last?.scopeMetrics ?? []) {
      for (const metric of scope.metrics) {
        if (metric.descriptor.name !== name) continue;
        for (const point of metric.dataPoints) if (typeof point.value === "number") total += point.value;
      }
    }
    return total;
  }
}

interface TracingParts {
  /** A real TracerProvider; without it the global no-op one (no SDK registered) is used. */
  readonly spans: boolean;
  /** A real MeterProvider; without it the global no-op one. */
  readonly metrics: boolean;
  /** The middleware's `includeMessagesCounters` (its default is true). */
  readonly counters: boolean;
}

function tracedVariant(name: string, description: string, parts: TracingParts, extra = false): Variant {
  return {
    name,
    description,
    extra,
    async setup(probe: Probe): Promise<Session> {
      // Registered per run and disabled at teardown, so the untraced variants run without a context manager,
      // as an application without OpenTelemetry would.
      if (!context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())) {
        throw new Error("a global context manager is already registered");
      }
      const spanExporter = new DiscardingSpanExporter();
      const tracerProvider = parts.spans ? new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: spanExporter })] }) : undefined;
      const metricExporter = new DiscardingMetricExporter();
      const meterProvider = parts.metrics ? new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter: metricExporter })] }) : undefined;
      const telemetry = new MemoryTelemetryMiddleware({
        ...(tracerProvider === undefined ? {} : { tracerProvider }),
        ...(meterProvider === undefined ? {} : { meterProvider }),
        includeMessagesCounters: parts.counters,
      });
      const session = await postlineSession(new MemoryBroker({ logger: silentLogger, middlewares: [telemetry] }), probe);
      return {
        publish: session.publish,
        async teardown() {
          await session.teardown();
          await tracerProvider?.forceFlush();
          await meterProvider?.forceFlush();
          const consumed = metricExporter.counter("messaging.client.consumed.messages");
          await Promise.all([tracerProvider?.shutdown(), meterProvider?.shutdown()]);
          context.disable();
          // A BatchSpanProcessor drops spans when its queue is full; dropped spans would flatter the figures.
          const checks: string[] = [];
          if (parts.spans) checks.push(`${(spanExporter.spans / probe.count).toFixed(2)} spans exported per message (expected 2.00)`);
          if (parts.metrics && parts.counters) checks.push(`consumed counter ${(consumed / probe.count).toFixed(2)} per message (expected 1.00)`);
          return checks.length === 0 ? undefined : [checks.join(", ")];
        },
      };
    },
  };
}

const SDK = "sdk-trace TracerProvider + BatchSpanProcessor, sdk-metrics MeterProvider + PeriodicExportingMetricReader (60 s), both exporting to a discarding exporter; AsyncLocalStorageContextManager";
const traced = tracedVariant("postline-traced", `MemoryBroker + MemoryTelemetryMiddleware (current semconv): ${SDK}`, { spans: true, metrics: true, counters: true });

// Extras, run only when named with --variants: they split the tracing cost into its parts.
const extras: Variant[] = [
  tracedVariant("traced-spans-only", "as postline-traced without a MeterProvider (the global no-op one)", { spans: true, metrics: false, counters: true }, true),
  tracedVariant("traced-metrics-only", "as postline-traced without a TracerProvider (the global no-op one)", { spans: false, metrics: true, counters: true }, true),
  tracedVariant("traced-no-counters", "as postline-traced with includeMessagesCounters: false", { spans: true, metrics: true, counters: false }, true),
];

const TARGET_UNTRACED = 200_000;
const TARGET_TRACING_US = 10;

export function memorySuite(): Suite {
  return {
    name: "memory",
    title: "In-process broker (MemoryBroker), one subscriber",
    variants: [rawHub, untraced, traced, ...untracedExtras, ...extras],
    comparisons: [
      { label: "framework", variant: "postline", against: "raw-hub" },
      { label: "tracing", variant: "postline-traced", against: "postline" },
      { label: "framework + tracing", variant: "postline-traced", against: "raw-hub" },
      // Shown when the extras run.
      { label: "spans + propagation", variant: "traced-spans-only", against: "postline" },
      { label: "metrics + propagation", variant: "traced-metrics-only", against: "postline" },
      { label: "message counters", variant: "postline-traced", against: "traced-no-counters" },
      { label: "a 10 000-message buffer", variant: "postline", against: "postline-buffer-1k" },
      { label: "TextEncoder vs Buffer.from", variant: "postline", against: "postline-pooled-json" },
      { label: "both", variant: "postline", against: "postline-1k-pooled" },
    ],
    targets: [
      {
        label: `postline untraced ≥ ${formatRate(TARGET_UNTRACED)} msg/s`,
        check: (result) => {
          const rate = median(variantResult(result, "postline").throughput);
          return { measured: `${formatRate(rate)} msg/s`, met: rate >= TARGET_UNTRACED };
        },
      },
      {
        label: `tracing ≤ ${TARGET_TRACING_US} µs per message`,
        check: (result) => {
          const { addedUs } = compare(result, { label: "tracing", variant: "postline-traced", against: "postline" });
          return { measured: `${formatUs(addedUs)} µs`, met: addedUs <= TARGET_TRACING_US };
        },
      },
    ],
    notes: [
      "Throughput: a publisher loop awaits each publish; the hub buffers up to 10 000 messages per group (its default) and then makes publishers wait, so the loop and the one subscriber (concurrency 1) run interleaved on one thread. With --in-flight N the harness also stops publishing while N messages are unhandled (the settings line says which applied).",
      "Latency: one message in flight; from just before publish() to the start of the handler.",
      "Tracing cost = 1e6/traced − 1e6/untraced msg/s: what tracing adds per message (a send span, a process span, 2 histograms and 2 counters, context propagation). Span export is discarded: network export is not included.",
    ],
  };
}
