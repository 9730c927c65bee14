// OpenTelemetry for the demo: the standard NodeSDK, configured by the usual OTEL_* variables, plus the
// collector that feeds the terminal waterfall.
import { DiagConsoleLogger, DiagLogLevel, diag, trace, type TracerProvider } from "@opentelemetry/api";
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { defaultServiceName, type DemoEnvironment } from "./environment.js";
import type { TraceCollector } from "./trace-collector.js";
import { exportProcessors } from "./trace-exporters.js";

export interface DemoTelemetry {
  /** What the telemetry middleware gets: the SDK's provider, registered globally too. */
  readonly tracerProvider: TracerProvider;
  /** Flushes every exporter and stops the SDK; safe to call more than once. */
  shutdown(): Promise<void>;
}

/** The SDK could not flush spans or metrics to their destination (collector down, refused, timed out). */
export class TelemetryExportError extends Error {
  override readonly name = "TelemetryExportError";
}

export async function startTelemetry(environment: DemoEnvironment, collector: TraceCollector): Promise<DemoTelemetry> {
  // Failed exports would go unnoticed without a diagnostic logger; OTEL_LOG_LEVEL still chooses another level.
  if (process.env.OTEL_LOG_LEVEL === undefined) diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);
  const sdk = new NodeSDK({
    // The lowest layer of the resource: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override it.
    resource: defaultResource().merge(resourceFromAttributes({ "service.name": defaultServiceName })),
    // Giving span processors turns off NodeSDK's own OTEL_TRACES_EXPORTER handling, hence exportProcessors().
    spanProcessors: [collector, ...(await exportProcessors(environment.traceExporters, environment.otlpProtocol))],
    // An empty list means "none"; leaving the option out lets NodeSDK read the variable as usual.
    ...(environment.metricsExporter === undefined ? { metricReaders: [] } : {}),
    ...(environment.logsExporter === undefined ? { logRecordProcessors: [] } : {}),
  });
  sdk.start();
  let stopped: Promise<void> | undefined;
  return {
    tracerProvider: trace.getTracerProvider(),
    shutdown: () =>
      (stopped ??= sdk.shutdown().catch((error: unknown) => {
        throw new TelemetryExportError(`the OpenTelemetry SDK could not flush its exporters: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      })),
  };
}
