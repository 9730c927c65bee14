import { metrics, type Attributes, type Histogram, type MeterProvider, type ObservableCounter } from "@opentelemetry/api";
import { POSTLINE_VERSION } from "../core/version.js";
import { DURATION_BUCKETS_SECONDS, METRIC, METRIC_FASTSTREAM, SCHEMA_URL_CURRENT, SCHEMA_URL_FASTSTREAM } from "../core/telemetry/semconv.js";
import type { SemconvMode } from "./options.js";

interface Instruments {
  readonly sendDuration: Histogram;
  readonly processDuration: Histogram;
  readonly sent: ObservableCounter;
  readonly consumed: ObservableCounter;
}

const advice = { explicitBucketBoundaries: [...DURATION_BUCKETS_SECONDS] };

function create(provider: MeterProvider, mode: SemconvMode): Instruments {
  if (mode === "faststream") {
    const meter = provider.getMeter("faststream.opentelemetry.middleware", undefined, { schemaUrl: SCHEMA_URL_FASTSTREAM });
    return {
      sendDuration: meter.createHistogram(METRIC_FASTSTREAM.publishDuration, { unit: "s", description: "Measures the duration of publish operation.", advice }),
      processDuration: meter.createHistogram(METRIC_FASTSTREAM.processDuration, { unit: "s", description: "Measures the duration of process operation.", advice }),
      sent: meter.createObservableCounter(METRIC_FASTSTREAM.publishMessages, { unit: "message", description: "Measures the number of published messages." }),
      consumed: meter.createObservableCounter(METRIC_FASTSTREAM.processMessages, { unit: "message", description: "Measures the number of processed messages." }),
    };
  }
  const meter = provider.getMeter("postline", POSTLINE_VERSION, { schemaUrl: SCHEMA_URL_CURRENT });
  return {
    sendDuration: meter.createHistogram(METRIC.clientOperationDuration, { unit: "s", description: "Duration of messaging operation initiated by a producer or consumer client.", advice }),
    processDuration: meter.createHistogram(METRIC.processDuration, { unit: "s", description: "Duration of processing operation.", advice }),
    sent: meter.createObservableCounter(METRIC.clientSentMessages, { unit: "{message}", description: "Number of messages producer attempted to send to the broker." }),
    consumed: meter.createObservableCounter(METRIC.clientConsumedMessages, { unit: "{message}", description: "Number of messages that were delivered to the application." }),
  };
}

/**
 * The four messaging instruments, created at the first measurement so that a global meter provider
 * registered after the broker was built (the usual order with the SDK) is the one used.
 *
 * The message counters are observable: per-message work is one increment of a running total, and the SDK
 * reads the totals when it collects. A synchronous counter would hash the attributes on every message, which
 * costs as much as the rest of the metrics together. Totals are keyed by `key`, a string that identifies the
 * attribute set (the middleware builds it from the destination, group and server).
 */
export class MessagingMetrics {
  #instruments: Instruments | undefined;
  readonly #sent = new Map<string, { attributes: Attributes; total: number }>();
  readonly #consumed = new Map<string, { attributes: Attributes; total: number }>();

  constructor(
    private readonly provider: MeterProvider | undefined,
    private readonly mode: SemconvMode,
    private readonly counters: boolean,
  ) {}

  #get(): Instruments {
    if (this.#instruments === undefined) {
      const instruments = create(this.provider ?? metrics.getMeterProvider(), this.mode);
      if (this.counters) {
        instruments.sent.addCallback((result) => {
          for (const { attributes, total } of this.#sent.values()) result.observe(total, attributes);
        });
        instruments.consumed.addCallback((result) => {
          for (const { attributes, total } of this.#consumed.values()) result.observe(total, attributes);
        });
      }
      this.#instruments = instruments;
    }
    return this.#instruments;
  }

  recordSend(seconds: number, count: number, set: MetricAttributeSet, errorType: string | undefined): void {
    this.#get().sendDuration.record(seconds, errorType === undefined ? set.attributes : { ...set.attributes, "error.type": errorType });
    if (this.counters) increment(this.#sent, set, count);
  }

  recordProcess(seconds: number, count: number, set: MetricAttributeSet, errorType: string | undefined): void {
    this.#get().processDuration.record(seconds, errorType === undefined ? set.attributes : { ...set.attributes, "error.type": errorType });
    if (this.counters) increment(this.#consumed, set, count);
  }
}

/** Metric attributes with a string that identifies them (cheaper to compare than the attributes). */
export interface MetricAttributeSet {
  readonly key: string;
  readonly attributes: Attributes;
}

function increment(totals: Map<string, { attributes: Attributes; total: number }>, set: MetricAttributeSet, count: number): void {
  const entry = totals.get(set.key);
  if (entry === undefined) totals.set(set.key, { attributes: set.attributes, total: count });
  else entry.total += count;
}

/** Metric attributes built once per key (operation, destination, group, server) and reused by every recording. */
export class MetricAttributeSets {
  readonly #sets = new Map<string, MetricAttributeSet>();

  get(key: string, build: () => Attributes): MetricAttributeSet {
    let set = this.#sets.get(key);
    if (set === undefined) {
      set = { key, attributes: build() };
      this.#sets.set(key, set);
    }
    return set;
  }
}
