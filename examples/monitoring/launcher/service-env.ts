// The environment each service process gets: the launcher's own (every OTEL_* variable passes through), the
// broker, and per-service ports. Metrics default to Prometheus here, one /metrics port per service.
import type { LaunchArgs, ServiceName } from "./args.js";

export function metricsPortOf(args: LaunchArgs, service: ServiceName): number {
  return args.metricsPort + { order: 0, trade: 1, notification: 2 }[service];
}

export function serviceEnv(args: LaunchArgs, service: ServiceName, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = {
    ...env,
    MONITORING_BROKER: args.broker,
    OTEL_METRICS_EXPORTER: env.OTEL_METRICS_EXPORTER || "prometheus",
    // Loopback unless asked otherwise: the exporter's own default would be every interface.
    OTEL_EXPORTER_PROMETHEUS_HOST: env.OTEL_EXPORTER_PROMETHEUS_HOST || "localhost",
    OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPortOf(args, service)),
  };
  if (service === "order") {
    result.ORDER_HTTP_PORT = String(args.httpPort);
    if (args.rounds !== undefined) result.ORDER_LOOP_ROUNDS = args.rounds;
  }
  return result;
}

/** Where the traces go, in words, from the same variables the SDK reads. */
export function tracesDestination(env: NodeJS.ProcessEnv = process.env): string {
  const exporters = (env.OTEL_TRACES_EXPORTER || "otlp").split(",").map((name) => name.trim());
  return exporters
    .map((name) => {
      if (name === "zipkin") return `zipkin ${env.OTEL_EXPORTER_ZIPKIN_ENDPOINT || "http://localhost:9411/api/v2/spans"}`;
      if (name !== "otlp") return name;
      const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || "http/protobuf";
      const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT || (protocol === "grpc" ? "http://localhost:4317" : "http://localhost:4318");
      return `otlp ${protocol} ${endpoint}`;
    })
    .join(" + ");
}
