// Traces sent to the viewer the way applications send them: the OTel SDK's tracer provider and its own OTLP
// exporters (gRPC, HTTP protobuf, HTTP JSON). Two services, so that the service map has edges:
//   trace 1  order: POST /orders (server) → send orders (producer)
//            trade: process orders (consumer) → validate order (internal, error, exception event)
//   trace 2, 3  order: send a, send b (producers, each its own trace)
//   trace 4  trade: process batch (consumer) linking to send a and send b
import { context, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from "@opentelemetry/api";
import { OTLPTraceExporter as GrpcExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtobufExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { SimpleSpanProcessor, TracerProvider, type SpanExporter } from "@opentelemetry/sdk-trace";

export type OtlpProtocol = "grpc" | "http/protobuf" | "http/json";

export interface ViewerEndpoints {
  readonly httpEndpoint: string;
  readonly grpcEndpoint: string | undefined;
}

export function exporterFor(protocol: OtlpProtocol, endpoints: ViewerEndpoints): SpanExporter {
  if (protocol === "grpc") {
    if (endpoints.grpcEndpoint === undefined) throw new Error("the viewer runs without its gRPC receiver");
    return new GrpcExporter({ url: endpoints.grpcEndpoint });
  }
  const url = `${endpoints.httpEndpoint}/v1/traces`;
  return protocol === "http/json" ? new JsonExporter({ url }) : new ProtobufExporter({ url });
}

/** A provider for one service whose spans go straight to the viewer; shut it down to flush. */
export function serviceProvider(service: string, protocol: OtlpProtocol, endpoints: ViewerEndpoints): TracerProvider {
  return new TracerProvider({
    resource: resourceFromAttributes({ "service.name": service, "deployment.environment.name": "test" }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: exporterFor(protocol, endpoints) })],
  });
}

const child = (tracer: Tracer, name: string, parent: Span, kind: SpanKind) => tracer.startSpan(name, { kind }, trace.setSpan(context.active(), parent));

export interface SampleTraceIds {
  readonly orderTraceId: string;
  readonly batchTraceId: string;
  readonly sendA: { readonly traceId: string; readonly spanId: string };
}

export async function exportSampleTraces(protocol: OtlpProtocol, endpoints: ViewerEndpoints): Promise<SampleTraceIds> {
  const orderProvider = serviceProvider("order", protocol, endpoints);
  const tradeProvider = serviceProvider("trade", protocol, endpoints);
  const order = orderProvider.getTracer("sample");
  const trade = tradeProvider.getTracer("sample");

  const http = order.startSpan("POST /orders", { kind: SpanKind.SERVER, attributes: { "http.request.method": "POST" } });
  const send = child(order, "send orders", http, SpanKind.PRODUCER);
  send.setAttributes({ "messaging.destination.name": "orders", "messaging.batch.message_count": 3, "sample.ratio": 1.5, "sample.flag": false, "sample.tags": ["a", "b"] });
  const process = child(trade, "process orders", send, SpanKind.CONSUMER);
  process.addEvent("order parsed", { "order.id": "o-1" });
  const validate = child(trade, "validate order", process, SpanKind.INTERNAL);
  validate.recordException(new RangeError("quantity must be positive"));
  validate.setStatus({ code: SpanStatusCode.ERROR, message: "quantity must be positive" });
  for (const span of [validate, process, send, http]) span.end();

  const sendA = order.startSpan("send a", { kind: SpanKind.PRODUCER });
  const sendB = order.startSpan("send b", { kind: SpanKind.PRODUCER });
  sendA.end();
  sendB.end();
  const batch = trade.startSpan("process batch", {
    kind: SpanKind.CONSUMER,
    links: [
      { context: sendA.spanContext(), attributes: { "messaging.message.id": "a" } },
      { context: sendB.spanContext(), attributes: { "messaging.message.id": "b" } },
    ],
  });
  batch.end();

  // Shutting down flushes: every span has reached the viewer when these resolve.
  await Promise.all([orderProvider.shutdown(), tradeProvider.shutdown()]);
  return {
    orderTraceId: http.spanContext().traceId,
    batchTraceId: batch.spanContext().traceId,
    sendA: { traceId: sendA.spanContext().traceId, spanId: sendA.spanContext().spanId },
  };
}
