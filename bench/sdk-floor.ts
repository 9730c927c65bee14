// The OpenTelemetry SDK's own cost of one traced message, with no Postline code at all: what any tracing of a
// publish→consume hop costs at least, whatever the framework. It is the yardstick for the tracing figures.
//
// Per message, exactly the SDK work the telemetry middleware asks for in current mode: a PRODUCER span with
// the same attributes, active while the W3C trace context is injected into a header record; the context
// extracted again; a CONSUMER span parented on it, active while the "handler" runs, with the settlement
// attribute set; both ended with explicit times; one duration histogram record each. Same SDK set-up as the
// traced variants (bench/otel.ts). No ids, codecs, queues, promises or async hops: those are Postline's.
import { ROOT_CONTEXT, SpanKind, context, trace, type TextMapGetter, type TextMapSetter } from "@opentelemetry/api";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator, hrTime } from "@opentelemetry/core";
import type { Probe, Session, Variant } from "./harness.js";
import { startOtel } from "./otel.js";

const getter: TextMapGetter<Record<string, string>> = { keys: (carrier) => Object.keys(carrier), get: (carrier, key) => carrier[key] };
const setter: TextMapSetter<Record<string, string>> = {
  set(carrier, key, value) {
    carrier[key] = value;
  },
};

export function sdkFloorVariant(system: string, destination: string): Variant {
  return {
    name: "sdk-floor",
    description: `the OpenTelemetry SDK calls of one traced message and nothing else (no Postline): send span + inject, extract + process span, 2 histogram records; same SDK set-up`,
    setup(probe: Probe): Promise<Session> {
      const otel = startOtel();
      const tracer = otel.tracerProvider.getTracer("sdk-floor");
      const meter = otel.meterProvider.getMeter("sdk-floor");
      const sendDuration = meter.createHistogram("messaging.client.operation.duration", { unit: "s" });
      const processDuration = meter.createHistogram("messaging.process.duration", { unit: "s" });
      const propagator = new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] });
      const sendMetric = { "messaging.system.name": system, "messaging.operation.name": "send", "messaging.operation.type": "send", "messaging.destination.name": destination };
      const processMetric = { "messaging.system.name": system, "messaging.operation.name": "process", "messaging.destination.name": destination };
      const attributes = (operation: string, id: string) => ({
        "messaging.system.name": system,
        "messaging.operation.name": operation,
        "messaging.operation.type": operation,
        "messaging.destination.name": destination,
        "messaging.message.id": id,
        "messaging.message.conversation_id": id,
        "messaging.message.body.size": 25,
      });
      const handler = () => probe.handled();
      return Promise.resolve({
        publish(seq: number) {
          const id = String(seq);
          const headers: Record<string, string> = {};
          const sendStart = performance.now();
          const send = tracer.startSpan(`send ${destination}`, { kind: SpanKind.PRODUCER, startTime: hrTime(sendStart), attributes: attributes("send", id) }, context.active());
          const sendContext = trace.setSpan(context.active(), send);
          context.with(sendContext, () => propagator.inject(sendContext, headers, setter));
          const sendEnd = performance.now();
          send.end(hrTime(sendEnd));
          sendDuration.record((sendEnd - sendStart) / 1000, sendMetric);
          const processStart = performance.now();
          const parent = propagator.extract(ROOT_CONTEXT, headers, getter);
          const process = tracer.startSpan(`process ${destination}`, { kind: SpanKind.CONSUMER, startTime: hrTime(processStart), attributes: attributes("process", id) }, parent);
          context.with(trace.setSpan(parent, process), handler);
          process.setAttribute("messaging.operation.settlement", "ack");
          const processEnd = performance.now();
          process.end(hrTime(processEnd));
          processDuration.record((processEnd - processStart) / 1000, processMetric);
          return Promise.resolve();
        },
        async teardown() {
          await otel.stop();
          return [otel.spansPerMessage(probe.count, 2)];
        },
      });
    },
  };
}
