// Real OTLP receivers for the demo test: OTLP/HTTP (JSON and protobuf bodies) on node:http, and OTLP/gRPC
// on @grpc/grpc-js. Protobuf is decoded with protobufjs against the OTLP schema below.
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { Server as GrpcServer, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from "@grpc/grpc-js";
import protobuf from "protobufjs";

/** A span as a collector stores it, ids in hex and times in nanoseconds. */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** Empty for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  /** The OTLP enum: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number;
  readonly startNs: bigint;
  readonly endNs: bigint;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly resource: Readonly<Record<string, unknown>>;
}

export type OtlpEncoding = "http/json" | "http/protobuf" | "grpc";

export interface OtlpReceiver {
  /** The value for OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly endpoint: string;
  readonly spans: ReceivedSpan[];
  /** How each export request arrived, to check the exporter used the protocol asked for. */
  readonly encodings: OtlpEncoding[];
  /** Requests that could not be decoded. */
  readonly errors: unknown[];
  clear(): void;
  close(): Promise<void>;
}

// The parts of opentelemetry-proto (v1: common, resource, trace, collector/trace) a trace export uses, with
// their field numbers; protobufjs skips the fields left out.
const otlpSchema = [
  `syntax = "proto3"; package opentelemetry.proto.common.v1;
   message AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
     ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; } }
   message ArrayValue { repeated AnyValue values = 1; }
   message KeyValueList { repeated KeyValue values = 1; }
   message KeyValue { string key = 1; AnyValue value = 2; }
   message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }`,
  `syntax = "proto3"; package opentelemetry.proto.resource.v1;
   message Resource { repeated opentelemetry.proto.common.v1.KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }`,
  `syntax = "proto3"; package opentelemetry.proto.trace.v1;
   message ResourceSpans { opentelemetry.proto.resource.v1.Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
   message ScopeSpans { opentelemetry.proto.common.v1.InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
   message Span { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; fixed32 flags = 16;
     string name = 5; int32 kind = 6; /* the SpanKind enum, by its wire value */ fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
     repeated opentelemetry.proto.common.v1.KeyValue attributes = 9; uint32 dropped_attributes_count = 10; }`,
  `syntax = "proto3"; package opentelemetry.proto.collector.trace.v1;
   message ExportTraceServiceRequest { repeated opentelemetry.proto.trace.v1.ResourceSpans resource_spans = 1; }`,
];
const schemaRoot = new protobuf.Root();
for (const source of otlpSchema) protobuf.parse(source, schemaRoot);
const exportRequestType = schemaRoot.lookupType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest");

// The request as OTLP/JSON spells it (ids in hex); decoded protobuf has the same shape with ids in base64.
interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: OtlpAnyValue[] };
}
interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: OtlpKeyValue[];
}
interface OtlpExportRequest {
  resourceSpans?: { resource?: { attributes?: OtlpKeyValue[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

function decodeProtobuf(body: Uint8Array): OtlpExportRequest {
  const message = exportRequestType.decode(body);
  return exportRequestType.toObject(message, { longs: String, bytes: String, enums: Number });
}

function spansOf(request: OtlpExportRequest, idToHex: (id: string) => string): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    return (resourceSpans.scopeSpans ?? []).flatMap((scopeSpans) =>
      (scopeSpans.spans ?? []).map((span) => ({
        traceId: idToHex(span.traceId),
        spanId: idToHex(span.spanId),
        parentSpanId: idToHex(span.parentSpanId ?? ""),
        name: span.name,
        kind: span.kind ?? 0,
        startNs: BigInt(span.startTimeUnixNano),
        endNs: BigInt(span.endTimeUnixNano),
        attributes: attributesOf(span.attributes),
        resource,
      })),
    );
  });
}

function attributesOf(keyValues: readonly OtlpKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((keyValues ?? []).map(({ key, value }) => [key, valueOf(value)]));
}

function valueOf(value: OtlpAnyValue | undefined): unknown {
  if (value === undefined) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(valueOf);
  return undefined;
}

const hexId = (id: string): string => id;
const base64Id = (id: string): string => Buffer.from(id, "base64").toString("hex");

function receiver(endpoint: string, close: () => Promise<void>, state: Pick<OtlpReceiver, "spans" | "encodings" | "errors">): OtlpReceiver {
  return {
    endpoint,
    ...state,
    clear() {
      state.spans.length = 0;
      state.encodings.length = 0;
      state.errors.length = 0;
    },
    close,
  };
}

/** OTLP/HTTP on 127.0.0.1: POST /v1/traces with an `application/json` or `application/x-protobuf` body. */
export async function startHttpReceiver(): Promise<OtlpReceiver> {
  const state = { spans: [] as ReceivedSpan[], encodings: [] as OtlpEncoding[], errors: [] as unknown[] };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (request.method !== "POST" || request.url !== "/v1/traces") {
        response.writeHead(404).end();
        return;
      }
      try {
        const raw = Buffer.concat(chunks);
        const body = request.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw;
        const contentType = request.headers["content-type"] ?? "";
        if (contentType.startsWith("application/json")) {
          state.spans.push(...spansOf(JSON.parse(body.toString("utf8")) as OtlpExportRequest, hexId));
          state.encodings.push("http/json");
          response.writeHead(200, { "content-type": "application/json" }).end("{}");
        } else if (contentType.startsWith("application/x-protobuf")) {
          state.spans.push(...spansOf(decodeProtobuf(body), base64Id));
          state.encodings.push("http/protobuf");
          response.writeHead(200, { "content-type": "application/x-protobuf" }).end();
        } else {
          response.writeHead(415).end();
        }
      } catch (error) {
        state.errors.push(error);
        response.writeHead(400).end();
      }
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return receiver(`http://127.0.0.1:${port}`, close, state);
}

/** OTLP/gRPC on 127.0.0.1, without TLS: the TraceService/Export method. */
export async function startGrpcReceiver(): Promise<OtlpReceiver> {
  const state = { spans: [] as ReceivedSpan[], encodings: [] as OtlpEncoding[], errors: [] as unknown[] };
  const server = new GrpcServer();
  // Raw bytes in and out: the request is decoded below, and ExportTraceServiceResponse{} encodes to nothing.
  const exportMethod = {
    path: "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
    requestStream: false,
    responseStream: false,
    requestSerialize: (value: Buffer) => value,
    requestDeserialize: (bytes: Buffer) => bytes,
    responseSerialize: () => Buffer.alloc(0),
    responseDeserialize: () => ({}),
  };
  server.addService(
    { Export: exportMethod },
    {
      Export: (call: ServerUnaryCall<Buffer, object>, callback: sendUnaryData<object>) => {
        try {
          state.spans.push(...spansOf(decodeProtobuf(call.request), base64Id));
          state.encodings.push("grpc");
        } catch (error) {
          state.errors.push(error);
        }
        callback(null, {});
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, boundPort) => (error === null ? resolve(boundPort) : reject(error)));
  });
  const close = () => new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  return receiver(`http://127.0.0.1:${port}`, close, state);
}
