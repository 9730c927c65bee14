// The span processors for OTEL_TRACES_EXPORTER. NodeSDK builds these itself only when it is given no span
// processors of its own, and the demo gives it one (the waterfall's collector), so the demo builds them the
// way the SDK does: the same exporter classes, which read OTEL_EXPORTER_OTLP_* (endpoint, headers,
// compression, timeout, certificates) themselves, behind a batch processor tuned by OTEL_BSP_*.
import { getNumberFromEnv } from "@opentelemetry/core";
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from "@opentelemetry/sdk-trace";
import type { OtlpProtocol, TraceExporterName } from "./environment.js";

export async function exportProcessors(exporters: readonly TraceExporterName[], protocol: OtlpProtocol): Promise<SpanProcessor[]> {
  const processors: SpanProcessor[] = [];
  for (const name of exporters) {
    // The console exporter prints each span as it ends, as NodeSDK sets it up.
    if (name === "console") processors.push(new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() }));
    else processors.push(batchProcessor(await exporterFor(name, protocol)));
  }
  return processors;
}

// Imported on demand: the gRPC exporter alone loads @grpc/grpc-js, which would slow every start.
async function exporterFor(name: "otlp" | "zipkin", protocol: OtlpProtocol): Promise<SpanExporter> {
  if (name === "zipkin") return new (await import("@opentelemetry/exporter-zipkin")).ZipkinExporter();
  switch (protocol) {
    case "grpc":
      return new (await import("@opentelemetry/exporter-trace-otlp-grpc")).OTLPTraceExporter();
    case "http/json":
      return new (await import("@opentelemetry/exporter-trace-otlp-http")).OTLPTraceExporter();
    case "http/protobuf":
      return new (await import("@opentelemetry/exporter-trace-otlp-proto")).OTLPTraceExporter();
  }
}

function batchProcessor(exporter: SpanExporter): SpanProcessor {
  return new BatchSpanProcessor({
    exporter,
    maxQueueSize: getNumberFromEnv("OTEL_BSP_MAX_QUEUE_SIZE"),
    maxExportBatchSize: getNumberFromEnv("OTEL_BSP_MAX_EXPORT_BATCH_SIZE"),
    scheduledDelayMillis: getNumberFromEnv("OTEL_BSP_SCHEDULE_DELAY"),
    exportTimeoutMillis: getNumberFromEnv("OTEL_BSP_EXPORT_TIMEOUT"),
  });
}
