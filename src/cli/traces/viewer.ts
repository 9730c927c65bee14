// `postline traces` as a value: the store, the two OTLP receivers and the page, started together and
// stopped together. The command wraps this; tests and the screenshot script use it directly.
import { startGrpcReceiver } from "./grpc-receiver.js";
import { startHttpReceiver } from "./http-receiver.js";
import type { Listening } from "./listen.js";
import { loadAssets } from "./static-assets.js";
import { TraceStore } from "./trace-store.js";
import { startWebServer } from "./web-server.js";

export interface ViewerOptions {
  readonly host: string;
  /** The page. 0 lets the system choose, here and for the receivers. */
  readonly port: number;
  readonly httpPort: number;
  /** undefined: no gRPC receiver (and no need for @grpc/grpc-js). */
  readonly grpcPort: number | undefined;
  readonly maxTraces: number;
  readonly onReceiveError?: (error: unknown) => void;
}

export interface Viewer {
  readonly store: TraceStore;
  readonly pageUrl: string;
  /** The value for OTEL_EXPORTER_OTLP_ENDPOINT with http/protobuf or http/json (the exporter adds /v1/traces). */
  readonly httpEndpoint: string;
  /** The value for OTEL_EXPORTER_OTLP_ENDPOINT with grpc; undefined with --no-grpc. */
  readonly grpcEndpoint: string | undefined;
  close(): Promise<void>;
}

export async function startViewer(options: ViewerOptions): Promise<Viewer> {
  const store = new TraceStore(options.maxTraces);
  const receiving = { host: options.host, onSpans: (spans: Parameters<TraceStore["add"]>[0]) => store.add(spans), onError: options.onReceiveError };
  const started: Listening[] = [];
  try {
    const assets = await loadAssets();
    const http = await startHttpReceiver({ ...receiving, port: options.httpPort });
    started.push(http);
    const grpc = options.grpcPort === undefined ? undefined : await startGrpcReceiver({ ...receiving, port: options.grpcPort });
    if (grpc !== undefined) started.push(grpc);
    const httpEndpoint = url(options.host, http.port);
    const grpcEndpoint = grpc === undefined ? undefined : url(options.host, grpc.port);
    const info = { httpEndpoint, grpcEndpoint, maxTraces: options.maxTraces };
    const page = await startWebServer({ host: options.host, port: options.port, store, assets, info: () => info });
    started.push(page);
    return { store, pageUrl: url(options.host, page.port), httpEndpoint, grpcEndpoint, close: () => closeAll(started) };
  } catch (error) {
    // What did start must not keep the process alive behind the error.
    await closeAll(started);
    throw error;
  }
}

async function closeAll(servers: readonly Listening[]): Promise<void> {
  await Promise.allSettled(servers.map((server) => server.close()));
}

function url(host: string, port: number): string {
  const shownHost = host === "0.0.0.0" || host === "::" ? "localhost" : host.includes(":") ? `[${host}]` : host;
  return `http://${shownHost}:${port}`;
}
