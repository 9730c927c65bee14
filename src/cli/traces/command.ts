// `postline traces`: parses the options, starts the viewer, prints where it listens, and runs until the
// signal given by the entry point (SIGINT or SIGTERM) aborts.
import { once } from "node:events";
import { parseArgs } from "node:util";
import { UsageError } from "../cli-errors.js";
import type { CliOutput } from "../command.js";
import { startViewer, type ViewerOptions } from "./viewer.js";

export const usage = `Usage: postline traces [options]

Receives OpenTelemetry traces over OTLP and shows them on a web page: the trace list, a waterfall per
trace, each span's attributes and events, links between spans, and a service map. Traces are kept in
memory only.

Options:
  --port <port>        the page (default 16686)
  --http-port <port>   OTLP/HTTP, protobuf and JSON on POST /v1/traces (default 4318)
  --grpc-port <port>   OTLP/gRPC (default 4317)
  --no-grpc            no gRPC receiver (it needs the package @grpc/grpc-js)
  --host <host>        the address all three listen on (default 127.0.0.1; 0.0.0.0 for all)
  --max-traces <n>     how many traces to keep; the oldest go first (default 200)
  -h, --help           this help

Point an application at it with the standard variables, e.g.
  OTEL_TRACES_EXPORTER=otlp OTEL_EXPORTER_OTLP_PROTOCOL=grpc OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4317
  OTEL_TRACES_EXPORTER=otlp OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318`;

export async function run(argv: readonly string[], output: CliOutput, signal: AbortSignal): Promise<number> {
  const options = parseOptions(argv);
  if (options === "help") {
    output.out(usage);
    return 0;
  }
  const viewer = await startViewer({ ...options, onReceiveError: (error) => output.err(`postline traces: an export could not be decoded: ${String(error)}`) });
  output.out(
    [
      `postline traces: the viewer is on ${viewer.pageUrl}`,
      `  OTLP/HTTP  ${viewer.httpEndpoint}/v1/traces (protobuf and JSON)`,
      viewer.grpcEndpoint === undefined ? "  OTLP/gRPC  off (--no-grpc)" : `  OTLP/gRPC  ${viewer.grpcEndpoint}`,
      `  keeping the last ${options.maxTraces} traces in memory; Ctrl-C stops`,
    ].join("\n"),
  );
  if (!signal.aborted) await once(signal, "abort");
  await viewer.close();
  return 0;
}

function parseOptions(argv: readonly string[]): ViewerOptions | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: "string", default: "16686" },
        "http-port": { type: "string", default: "4318" },
        "grpc-port": { type: "string", default: "4317" },
        "no-grpc": { type: "boolean", default: false },
        host: { type: "string", default: "127.0.0.1" },
        "max-traces": { type: "string", default: "200" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    // parseArgs's messages name the option and say what is wrong with it; they only lose their code prefix.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return "help";
  return {
    host: values.host,
    port: port("--port", values.port),
    httpPort: port("--http-port", values["http-port"]),
    grpcPort: values["no-grpc"] ? undefined : port("--grpc-port", values["grpc-port"]),
    maxTraces: positiveInteger("--max-traces", values["max-traces"]),
  };
}

/** 0 is allowed: the system picks a free port, and the startup lines say which. */
function port(option: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65_535) throw new UsageError(`${option} must be a port number from 0 to 65535, got "${text}"`);
  return value;
}

function positiveInteger(option: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || !Number.isSafeInteger(value)) throw new UsageError(`${option} must be a whole number of at least 1, got "${text}"`);
  return value;
}
