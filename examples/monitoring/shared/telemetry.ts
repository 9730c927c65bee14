// OpenTelemetry for a service: the standard NodeSDK, configured by the OTEL_* variables alone (exporters,
// endpoints, protocol, sampler, propagators, resource attributes, the Prometheus port). The code adds only
// the service's default name and its instrumentations.
import { DiagConsoleLogger, DiagLogLevel, diag } from "@opentelemetry/api";
import type { Instrumentation } from "@opentelemetry/instrumentation";
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import { NodeSDK } from "@opentelemetry/sdk-node";

export interface ServiceTelemetry {
  /** Flushes the exporters; the App calls it after the broker has closed. */
  shutdown(): Promise<void>;
}

export function startTelemetry(serviceName: string, instrumentations: Instrumentation[] = []): ServiceTelemetry {
  // Without a diagnostic logger a failing export (no collector listening) would pass unnoticed.
  if (process.env.OTEL_LOG_LEVEL === undefined) diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);
  const sdk = new NodeSDK({
    // The lowest layer of the resource: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES still override it.
    resource: defaultResource().merge(resourceFromAttributes({ "service.name": serviceName })),
    instrumentations,
  });
  sdk.start();
  let stopped: Promise<void> | undefined;
  return { shutdown: () => (stopped ??= sdk.shutdown()) };
}
