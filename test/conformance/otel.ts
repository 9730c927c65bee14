import { context, trace, type Attributes } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { MeterProvider, MetricReader, type DataPoint, type Histogram } from "@opentelemetry/sdk-metrics";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from "@opentelemetry/sdk-trace";
import { forgetContextManagerCheck } from "../../src/opentelemetry/context-manager.js";

// Handlers must see the process span as the active span; that needs a real context manager, as in any app.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

/**
 * Runs `body` as in an app that registered no context manager (the seed's set-up: a bare TracerProvider), with
 * Postline's check forgotten so that its first message checks again; the suite's own manager is back after.
 */
export async function withoutContextManager<T>(body: () => Promise<T>): Promise<T> {
  context.disable();
  forgetContextManagerCheck();
  try {
    return await body();
  } finally {
    context.disable();
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  }
}

/** A pull reader: the test decides when to collect. */
class CollectingReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

export interface MetricPoint {
  readonly name: string;
  readonly unit: string;
  readonly attributes: Attributes;
  /** Counter value, or histogram count. */
  readonly value: number;
  readonly sum?: number;
  readonly boundaries?: readonly number[];
}

/** The SDK's own in-memory span exporter and a metric reader, wired into fresh providers per test. */
export class TelemetryRecorder {
  readonly exporter = new InMemorySpanExporter();
  readonly tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: this.exporter })] });
  readonly #reader = new CollectingReader();
  readonly meterProvider = new MeterProvider({ readers: [this.#reader] });

  /** Finished spans ordered by start time (ties keep end order). */
  async spans(): Promise<ReadableSpan[]> {
    await this.tracerProvider.forceFlush();
    return [...this.exporter.getFinishedSpans()].sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
  }

  /** Waits until `count` spans have ended (process spans end after settlement, a little after the handler). */
  async waitForSpans(count: number, timeoutMs = 5_000): Promise<ReadableSpan[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const spans = await this.spans();
      if (spans.length >= count) return spans;
      if (Date.now() > deadline) throw new Error(`expected ${count} spans, got ${spans.length}: ${spans.map((span) => span.name).join(", ")}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async metrics(): Promise<MetricPoint[]> {
    const { resourceMetrics } = await this.#reader.collect();
    const points: MetricPoint[] = [];
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        for (const point of metric.dataPoints as DataPoint<number | Histogram>[]) {
          const value = point.value;
          if (typeof value === "number") {
            points.push({ name: metric.descriptor.name, unit: metric.descriptor.unit, attributes: point.attributes, value });
          } else {
            points.push({ name: metric.descriptor.name, unit: metric.descriptor.unit, attributes: point.attributes, value: value.count, sum: value.sum ?? 0, boundaries: value.buckets.boundaries });
          }
        }
      }
    }
    return points.sort((a, b) => a.name.localeCompare(b.name));
  }

  async shutdown(): Promise<void> {
    await this.tracerProvider.shutdown();
    await this.meterProvider.shutdown();
  }
}

export function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

export function idOf(span: ReadableSpan): string {
  return span.spanContext().spanId;
}

export function traceOf(span: ReadableSpan): string {
  return span.spanContext().traceId;
}

export function named(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((span) => span.name === name);
  if (found.length !== 1) throw new Error(`expected one span named "${name}", found ${found.length} among: ${spans.map((span) => span.name).join(", ")}`);
  return found[0]!;
}

export function durationMs(span: ReadableSpan): number {
  return span.duration[0] * 1e3 + span.duration[1] / 1e6;
}

export function activeSpanId(): string | undefined {
  return trace.getActiveSpan()?.spanContext().spanId;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
