// The demo's command line: `--broker <name>`, `--style functional|class`, `--serve`, `--help`.
import { parseArgs } from "node:util";
import { brokerNames, isBrokerName, type BrokerName } from "./brokers.js";
import { UsageError } from "./usage-error.js";

export const handlerStyles = ["functional", "class"] as const;
export type HandlerStyle = (typeof handlerStyles)[number];

export interface DemoArgs {
  readonly broker: BrokerName;
  readonly style: HandlerStyle;
  /** Run the handlers as a service until SIGINT/SIGTERM instead of sending one message through them. */
  readonly serve: boolean;
  readonly help: boolean;
}

export const usage = `usage: npm run demo -- [--broker <name>] [--style <style>] [--serve]

  --broker <name>   the broker to run the chain on: ${brokerNames.join(", ")} (default memory)
  --style <style>   handlers as plain functions or as decorated class methods: ${handlerStyles.join(", ")} (default functional)
  --serve           serve the handlers until SIGINT/SIGTERM instead of sending one message through them
  --help            show this text

environment:
  OTEL_TRACES_EXPORTER           otlp, console, zipkin or none (the demo's default: none, the waterfall only)
  OTEL_EXPORTER_OTLP_ENDPOINT    the collector, e.g. http://localhost:4318 (4317 for grpc)
  OTEL_EXPORTER_OTLP_PROTOCOL    grpc, http/protobuf (default) or http/json
  OTEL_METRICS_EXPORTER          otlp, console, prometheus or none (the demo's default: none)
  OTEL_SERVICE_NAME              the service name (default postline-demo)
  POSTLINE_SEMCONV               current (default) or faststream`;

const optionList = "--broker <name>, --style <style>, --serve, --help";

export function parseDemoArgs(argv: readonly string[]): DemoArgs {
  // Non-strict parsing hands back every token, so each mistake gets a message that names the choices.
  const { tokens } = parseArgs({
    args: [...argv],
    options: { broker: { type: "string" }, style: { type: "string" }, serve: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  let broker: BrokerName = "memory";
  let style: HandlerStyle = "functional";
  let serve = false;
  let help = false;
  for (const token of tokens) {
    if (token.kind === "option-terminator") continue;
    if (token.kind === "positional") throw new UsageError(`unexpected argument "${token.value}"; the options are ${optionList}`);
    switch (token.name) {
      case "broker":
        broker = brokerOption(token.value);
        break;
      case "style":
        style = styleOption(token.value);
        break;
      case "serve":
      case "help":
        if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value`);
        if (token.name === "serve") serve = true;
        else help = true;
        break;
      default:
        throw new UsageError(`unknown option "${token.rawName}"; the options are ${optionList}`);
    }
  }
  return { broker, style, serve, help };
}

function brokerOption(value: string | undefined): BrokerName {
  if (value === undefined || !isBrokerName(value)) {
    const given = value === undefined ? "--broker needs a name" : `unknown broker "${value}"`;
    throw new UsageError(`${given}; choose one of: ${brokerNames.join(", ")}`);
  }
  return value;
}

function styleOption(value: string | undefined): HandlerStyle {
  const style = handlerStyles.find((candidate) => candidate === value);
  if (style === undefined) {
    const given = value === undefined ? "--style needs a value" : `unknown style "${value}"`;
    throw new UsageError(`${given}; choose one of: ${handlerStyles.join(", ")}`);
  }
  return style;
}
