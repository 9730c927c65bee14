// `npm run example -- [--broker <name>] [--service <name>]... [--rounds <n|forever>] [--http-port <n>] [--metrics-port <n>]`
import { parseArgs } from "node:util";
import { brokerNames, isBrokerName, type BrokerName } from "../shared/brokers.js";

export const serviceNames = ["order", "trade", "notification"] as const;
export type ServiceName = (typeof serviceNames)[number];

export interface LaunchArgs {
  readonly broker: BrokerName;
  /** In start order: the consumers first, so the order service's first messages find their queues. */
  readonly services: readonly ServiceName[];
  /** `ORDER_LOOP_ROUNDS` for the order service; undefined leaves the service's default (5). */
  readonly rounds: string | undefined;
  readonly httpPort: number;
  /** The order service's /metrics port; trade and notification take the next two. */
  readonly metricsPort: number;
  readonly help: boolean;
}

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export const usage = `usage: npm run example -- [options]

  --broker <name>       ${brokerNames.join(", ")} (default rabbit)
  --service <name>      start only this service (${serviceNames.join(", ")}); repeat for several
  --rounds <n|forever>  rounds of start-up orders the order service posts (default 5; 0 for none)
  --http-port <n>       port of the order service's POST /orders (default 8000)
  --metrics-port <n>    /metrics port of order; trade and notification use the next two (default 9464)
  --help                show this text

Telemetry is configured by the standard variables, passed on to every service:
  OTEL_TRACES_EXPORTER=otlp|zipkin|console   (SDK default otlp)
  OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL=grpc|http/protobuf|http/json
  OTEL_EXPORTER_ZIPKIN_ENDPOINT              (default http://localhost:9411/api/v2/spans)
  OTEL_METRICS_EXPORTER=prometheus|otlp      (the launcher's default: prometheus)
  OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG, OTEL_PROPAGATORS, OTEL_RESOURCE_ATTRIBUTES, ...`;

export function parseLaunchArgs(argv: readonly string[]): LaunchArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        broker: { type: "string" },
        service: { type: "string", multiple: true },
        rounds: { type: "string" },
        "http-port": { type: "string" },
        "metrics-port": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const broker = values.broker ?? "rabbit";
  if (broker === "memory") throw new UsageError("the services run as separate processes, so they need a network broker; memory is in-process only");
  if (!isBrokerName(broker)) throw new UsageError(`unknown broker "${broker}"; choose one of: ${brokerNames.join(", ")}`);
  const chosen = values.service ?? [...serviceNames];
  for (const name of chosen) {
    if (!(serviceNames as readonly string[]).includes(name)) throw new UsageError(`unknown service "${name}"; choose among: ${serviceNames.join(", ")}`);
  }
  const rounds = values.rounds;
  if (rounds !== undefined && rounds !== "forever" && !/^\d+$/.test(rounds)) throw new UsageError(`--rounds takes a whole number or "forever", got "${rounds}"`);
  return {
    broker,
    services: serviceNames.toReversed().filter((name) => chosen.includes(name)),
    rounds,
    httpPort: port("--http-port", values["http-port"], 8000),
    metricsPort: port("--metrics-port", values["metrics-port"], 9464),
    help: values.help ?? false,
  };
}

function port(option: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 65533) throw new UsageError(`${option} takes a port number, got "${value}"`);
  return number;
}
