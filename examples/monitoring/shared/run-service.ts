// What every service process does around its handlers: build the broker with its telemetry middleware, run
// it in an App until SIGINT/SIGTERM, flush telemetry last, and say where it can be reached.
import { rm, writeFile } from "node:fs/promises";
import { App } from "postline";
import { brokerFactories, type ServiceBroker } from "./brokers.js";
import { readServiceConfig, type ServiceConfig } from "./config.js";
import type { ServiceTelemetry } from "./telemetry.js";

export interface ServiceDefinition {
  readonly name: string;
  readonly telemetry: ServiceTelemetry;
  /** Registers the handlers (and whatever else the service runs beside them, through the app's hooks). */
  setup(service: ServiceBroker, config: ServiceConfig, app: App): void;
  /** Extra parts of the ready line, e.g. the HTTP endpoint. */
  readonly endpoints?: () => string[];
}

/** The line a launcher waits for (it starts with `<name>: ready`). */
export function readyLine(name: string, broker: string, endpoints: readonly string[]): string {
  return `${name}: ready on ${broker}${[...endpoints, ...metricsEndpoint()].map((part) => `, ${part}`).join("")}`;
}

function metricsEndpoint(): string[] {
  const exporters = (process.env.OTEL_METRICS_EXPORTER ?? "").split(",").map((name) => name.trim());
  if (!exporters.includes("prometheus")) return [];
  // The Prometheus exporter's own defaults: every interface, port 9464.
  const host = process.env.OTEL_EXPORTER_PROMETHEUS_HOST || "localhost";
  return [`metrics http://${host}:${process.env.OTEL_EXPORTER_PROMETHEUS_PORT || "9464"}/metrics`];
}

export async function runService(definition: ServiceDefinition): Promise<void> {
  try {
    const config = readServiceConfig();
    const service = await brokerFactories[config.broker]({ semconv: config.semconv });
    const app = new App(service.broker, { afterShutdown: () => definition.telemetry.shutdown() });
    definition.setup(service, config, app);
    app.afterStartup(() => console.log(readyLine(definition.name, config.broker, definition.endpoints?.() ?? [])));
    // For container health checks (compose.yaml): present while the service is connected and subscribed.
    const readyFile = process.env.MONITORING_READY_FILE;
    if (readyFile) {
      app.afterStartup(() => writeFile(readyFile, `${process.pid}\n`));
      app.onShutdown(() => rm(readyFile, { force: true }));
    }
    await app.run();
  } catch (error) {
    process.stderr.write(`${definition.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    await definition.telemetry.shutdown().catch(() => undefined);
    process.exitCode = 1;
  }
}
