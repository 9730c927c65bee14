// The lines the demo starts with: what runs, and where its telemetry goes, the demo's defaults included.
import type { DemoArgs } from "./args.js";
import type { DemoEnvironment } from "./environment.js";

export function startupLines(args: DemoArgs, environment: DemoEnvironment): string {
  const exporters = environment.traceExporters.map((name) => (name === "otlp" ? `otlp ${environment.otlpProtocol} to ${otlpEndpoint(environment)}` : name));
  const traces =
    exporters.length > 0
      ? `waterfall + ${exporters.join(" + ")}`
      : `waterfall only (${environment.traceExportersDefaulted ? "OTEL_TRACES_EXPORTER unset; demo default: none" : "OTEL_TRACES_EXPORTER=none"})`;
  const metrics = environment.metricsExporter ?? "none (OTEL_METRICS_EXPORTER unset; demo default: none)";
  return [
    `postline demo: broker=${args.broker} style=${args.style} mode=${args.serve ? "serve" : "once"}`,
    `  telemetry: service=${environment.serviceName} semconv=${environment.semconv}`,
    `  traces: ${traces}`,
    `  metrics: ${metrics}`,
  ].join("\n");
}

function otlpEndpoint(environment: DemoEnvironment): string {
  const configured = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return configured || `the default endpoint (localhost:${environment.otlpProtocol === "grpc" ? 4317 : 4318})`;
}
