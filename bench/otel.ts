// The OpenTelemetry SDK every traced variant runs on: real providers whose exports are counted and dropped, so
// a run measures what instrumentation costs in process and none of an exporter's network cost.
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter, type ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { BatchSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace";

/** Counts and drops spans. */
export class DiscardingSpanExporter implements SpanExporter {
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
export class DiscardingMetricExporter implements PushMetricExporter {
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

export interface OtelOptions {
  /**
   * The BatchSpanProcessor's queue; undefined keeps the SDK default (2048). The network suites that set it
   * did so because a full queue drops spans, and dropped spans would flatter the figures.
   */
  readonly maxQueueSize?: number;
  /** false: a MeterProvider without readers (the Kafka suites), so metrics are recorded but never collected. */
  readonly metricReader?: boolean;
}

/** What a telemetry middleware or a contrib instrumentation is given; a missing one means the global no-op. */
export interface Providers {
  readonly tracerProvider?: TracerProvider;
  readonly meterProvider?: MeterProvider;
}

export interface Otel {
  readonly tracerProvider: TracerProvider;
  readonly meterProvider: MeterProvider;
  readonly spans: DiscardingSpanExporter;
  readonly metrics: DiscardingMetricExporter;
  /** Flushes and shuts down both providers and disables the context manager. */
  stop(): Promise<void>;
  /** "N spans exported per message (expected E)": the check that the batch processor dropped nothing. */
  spansPerMessage(messages: number, expected?: number): string;
  /** Points a contrib instrumentation at this run's providers and enables it (disabling it is the caller's). */
  instrument<I extends Instrumentation>(instrumentation: I): I;
}

/** The part of @opentelemetry/instrumentation's interface that instrument() uses. */
interface Instrumentation {
  setTracerProvider(provider: TracerProvider): void;
  setMeterProvider(provider: MeterProvider): void;
  enable(): void;
}

/**
 * Registers a context manager and creates the providers, for one run. Registered per run and disabled at
 * stop(), so untraced variants run without a context manager, as an application without OpenTelemetry would.
 */
export function startOtel(options: OtelOptions = {}): Otel {
  if (!context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())) throw new Error("a global context manager is already registered");
  const spans = new DiscardingSpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: spans, ...(options.maxQueueSize === undefined ? {} : { maxQueueSize: options.maxQueueSize }) })] });
  const metrics = new DiscardingMetricExporter();
  const meterProvider = options.metricReader === false ? new MeterProvider() : new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter: metrics })] });
  return {
    tracerProvider,
    meterProvider,
    spans,
    metrics,
    async stop() {
      await tracerProvider.forceFlush();
      // Collects once more, so `metrics.last` holds every message's counts.
      await meterProvider.forceFlush();
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
      context.disable();
    },
    instrument(instrumentation) {
      instrumentation.setTracerProvider(tracerProvider);
      instrumentation.setMeterProvider(meterProvider);
      instrumentation.enable();
      return instrumentation;
    },
    spansPerMessage: (messages, expected) => `${(spans.spans / messages).toFixed(2)} spans exported per message${expected === undefined ? "" : ` (expected ${expected.toFixed(2)})`}`,
  };
}
