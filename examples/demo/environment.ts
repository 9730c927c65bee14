// The environment variables the demo reads itself. Everything else (endpoints, headers, resource
// attributes, samplers, propagators, ...) is read by the OpenTelemetry SDK and exporters as usual.
import type { SemconvMode } from "postline/opentelemetry";
import { UsageError } from "./usage-error.js";

export const semconvModes = ["current", "faststream"] as const satisfies readonly SemconvMode[];
export const traceExporterNames = ["otlp", "console", "zipkin", "none"] as const;
export const otlpProtocols = ["grpc", "http/protobuf", "http/json"] as const;

export type TraceExporterName = Exclude<(typeof traceExporterNames)[number], "none">;
export type OtlpProtocol = (typeof otlpProtocols)[number];

export const defaultServiceName = "postline-demo";

export interface DemoEnvironment {
  /** `POSTLINE_SEMCONV`. */
  readonly semconv: SemconvMode;
  /** `OTEL_TRACES_EXPORTER` without `none`; empty when nothing but the waterfall gets the spans. */
  readonly traceExporters: readonly TraceExporterName[];
  /** OTel's default is `otlp`; the demo's is `none`, so a bare `npm run demo` makes no failing exports. */
  readonly traceExportersDefaulted: boolean;
  /** `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, else `OTEL_EXPORTER_OTLP_PROTOCOL`, else OTel's `http/protobuf`. */
  readonly otlpProtocol: OtlpProtocol;
  /** `OTEL_METRICS_EXPORTER` as given; undefined means the demo's default, no metrics export. */
  readonly metricsExporter: string | undefined;
  /** `OTEL_LOGS_EXPORTER` as given; undefined means the demo's default, no log export. */
  readonly logsExporter: string | undefined;
  /** For the startup line; the resource (OTEL_RESOURCE_ATTRIBUTES included) decides in the end. */
  readonly serviceName: string;
}

export function readDemoEnvironment(env: NodeJS.ProcessEnv = process.env): DemoEnvironment {
  const semconv = oneOf("POSTLINE_SEMCONV", variable(env, "POSTLINE_SEMCONV") ?? "current", semconvModes);
  const exporterList = list(variable(env, "OTEL_TRACES_EXPORTER"));
  const traceExporters = exporterList
    .map((name) => oneOf("OTEL_TRACES_EXPORTER", name, traceExporterNames))
    .filter((name): name is TraceExporterName => name !== "none");
  const protocolVariable = variable(env, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") === undefined ? "OTEL_EXPORTER_OTLP_PROTOCOL" : "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL";
  const protocol = variable(env, protocolVariable) ?? "http/protobuf";
  // The protocol only matters, and is only checked, when spans go to an OTLP collector.
  const otlpProtocol = traceExporters.includes("otlp") ? oneOf(protocolVariable, protocol, otlpProtocols) : "http/protobuf";
  return {
    semconv,
    traceExporters: [...new Set(traceExporters)],
    traceExportersDefaulted: exporterList.length === 0,
    otlpProtocol,
    metricsExporter: variable(env, "OTEL_METRICS_EXPORTER"),
    logsExporter: variable(env, "OTEL_LOGS_EXPORTER"),
    serviceName: variable(env, "OTEL_SERVICE_NAME") ?? defaultServiceName,
  };
}

/** As the OTel specification says, an empty value means the variable is unset. */
function variable(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

function list(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

function oneOf<const T extends string>(name: string, value: string, choices: readonly T[]): T {
  const match = choices.find((choice) => choice === value);
  if (match === undefined) throw new UsageError(`${name}=${value} is not supported; choose one of: ${choices.join(", ")}`);
  return match;
}
