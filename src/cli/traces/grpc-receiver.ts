// OTLP/gRPC: the opentelemetry.proto.collector.trace.v1.TraceService/Export method on @grpc/grpc-js, an
// optional peer of postline (an app exporting OTLP over gRPC has it already). grpc-js moves bytes only; the
// request is decoded, and the response encoded, with the same generated types as the HTTP receiver's.
import type * as Grpc from "@grpc/grpc-js";
import { importOptional, type Importer } from "../optional-package.js";
import type { ReceiverOptions } from "./http-receiver.js";
import type { Listening } from "./listen.js";
import { spansFromRequest } from "./otlp-request.js";
import { decodeTraceRequest, encodeTraceResponse } from "./otlp-protobuf.js";

const exportPath = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

export async function startGrpcReceiver(options: ReceiverOptions, importer?: Importer): Promise<Listening> {
  const grpc = await importOptional<typeof Grpc>("@grpc/grpc-js", "The OTLP/gRPC receiver of `postline traces`", "Or start it with --no-grpc to receive OTLP over HTTP only.", importer);
  const server = new grpc.Server();
  const exportMethod: Grpc.MethodDefinition<Buffer, Uint8Array> = {
    path: exportPath,
    requestStream: false,
    responseStream: false,
    requestSerialize: (bytes) => bytes,
    requestDeserialize: (bytes) => bytes,
    responseSerialize: (bytes) => Buffer.from(bytes),
    responseDeserialize: (bytes) => bytes,
  };
  server.addService({ Export: exportMethod }, {
    Export: (call: Grpc.ServerUnaryCall<Buffer, Uint8Array>, callback: Grpc.sendUnaryData<Uint8Array>) => {
      try {
        options.onSpans(spansFromRequest(decodeTraceRequest(call.request), "base64"));
        callback(null, encodeTraceResponse());
      } catch (error) {
        options.onError?.(error);
        callback({ code: grpc.status.INVALID_ARGUMENT, details: `could not decode the request: ${String(error)}` });
      }
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${options.host.includes(":") ? `[${options.host}]` : options.host}:${options.port}`, grpc.ServerCredentials.createInsecure(), (error, bound) => (error === null ? resolve(bound) : reject(error)));
  });
  return {
    port,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
