import { metrics, type Attributes, type Counter, type Histogram, type MeterProvider } from "@opentelemetry/api";
import { POSTLINE_VERSION } from "../core/version.js";
import { DURATION_BUCKETS_SECONDS, METRIC, METRIC_FASTSTREAM, SCHEMA_URL_CURRENT, SCHEMA_URL_FASTSTREAM } from "../core/telemetry/semconv.js";
import type { SemconvMode } from "./options.js";

interface Instruments {
  readonly sendDuration: Histogram;
  readonly processDuration: Histogram;
  readonly sent: Counter;
  readonly consumed: Counter;
}

const advice = { explicitBucketBoundaries: [...DURATION_BUCKETS_SECONDS] };

function create(provider: MeterProvider, mode: SemconvMode): Instruments {
  if (mode === "faststream") {
    const meter = provider.getMeter("faststream.opentelemetry.middleware", undefined, { schemaUrl: SCHEMA_URL_FASTSTREAM });
    return {
      sendDuration: meter.createHistogram(METRIC_FASTSTREAM.publishDuration, { unit: "s", description: "Measures the duration of publish operation.", advice }),
      processDuration: meter.createHistogram(METRIC_FASTSTREAM.processDuration, { unit: "s", description: "Measures the duration of process operation.", advice }),
      sent: meter.createCounter(METRIC_FASTSTREAM.publishMessages, { unit: "message", description: "Measures the number of published messages." }),
      consumed: meter.createCounter(METRIC_FASTSTREAM.processMessages, { unit: "message", description: "Measures the number of processed messages." }),
    };
  }
  const meter = provider.getMeter("postline", POSTLINE_VERSION, { schemaUrl: SCHEMA_URL_CURRENT });
  return {
    sendDuration: meter.createHistogram(METRIC.clientOperationDuration, { unit: "s", description: "Duration of messaging operation initiated by a producer or consumer client.", advice }),
    processDuration: meter.createHistogram(METRIC.processDuration, { unit: "s", description: "Duration of processing operation.", advice }),
    sent: meter.createCounter(METRIC.clientSentMessages, { unit: "{message}", description: "Number of messages producer attempted to send to the broker." }),
    consumed: meter.createCounter(METRIC.clientConsumedMessages, { unit: "{message}", description: "Number of messages that were delivered to the application." }),
  };
}

/**
 * The four messaging instruments, created at the first measurement so that a global meter provider
 * registered after the broker was built (the usual order with the SDK) is the one used.
 */
export class MessagingMetrics {
  #instruments: Instruments | undefined;

  constructor(
    private readonly provider: MeterProvider | undefined,
    private readonly mode: SemconvMode,
    private readonly counters: boolean,
  ) {}

  #get(): Instruments {
    this.#instruments ??= create(this.provider ?? metrics.getMeterProvider(), this.mode);
    return this.#instruments;
  }

  recordSend(seconds: number, count: number, attributes: Attributes, errorType: string | undefined): void {
    const instruments = this.#get();
    instruments.sendDuration.record(seconds, errorType === undefined ? attributes : { ...attributes, "error.type": errorType });
    if (this.counters) instruments.sent.add(count, attributes);
  }

  recordProcess(seconds: number, count: number, attributes: Attributes, errorType: string | undefined): void {
    const instruments = this.#get();
    instruments.processDuration.record(seconds, errorType === undefined ? attributes : { ...attributes, "error.type": errorType });
    if (this.counters) instruments.consumed.add(count, attributes);
  }
}
