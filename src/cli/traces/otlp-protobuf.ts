// OTLP/protobuf (the HTTP body and the gRPC message) decoded with the opentelemetry-proto types that the
// OpenTelemetry JS project generated with protobufjs and shipped in @opentelemetry/otlp-transformer up to
// 0.216 (installed under the alias otlp-transformer-protobufjs, so it never stands in for the current
// otlp-transformer the SDK's exporters use). No wire format is written out by hand here.
import generated from "otlp-transformer-protobufjs/build/src/generated/root.js";
import type { OtlpTraceRequest } from "./otlp-request.js";

/** What this file uses of a protobufjs static-module message class. */
interface StaticMessageType {
  decode(bytes: Uint8Array): object;
  encode(message: object): { finish(): Uint8Array };
  toObject(message: object, options: { longs: typeof String; bytes: typeof String; enums: typeof Number }): unknown;
}

interface TraceServiceTypes {
  readonly ExportTraceServiceRequest: StaticMessageType;
  readonly ExportTraceServiceResponse: StaticMessageType;
}

// The generated module is typed as a bare protobufjs Root; its namespaces are plain properties.
const traceService = (generated as unknown as { opentelemetry: { proto: { collector: { trace: { v1: TraceServiceTypes } } } } }).opentelemetry.proto.collector.trace.v1;

/** An ExportTraceServiceRequest in the shape OTLP/JSON has, except that ids come out in base64. */
export function decodeTraceRequest(bytes: Uint8Array): OtlpTraceRequest {
  const message = traceService.ExportTraceServiceRequest.decode(bytes);
  // int64/fixed64 as decimal strings (nanosecond timestamps exceed 2^53), bytes as base64, enums as numbers.
  return traceService.ExportTraceServiceRequest.toObject(message, { longs: String, bytes: String, enums: Number }) as OtlpTraceRequest;
}

/** An empty ExportTraceServiceResponse: every span was accepted. */
export function encodeTraceResponse(): Uint8Array {
  return traceService.ExportTraceServiceResponse.encode({}).finish();
}
