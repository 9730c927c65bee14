// The least tracing can cost on a given client: the raw client with the OpenTelemetry calls written by hand
// around its own publish and its own message callback, the same SDK work per message as the sdk-floor variant
// (a send span with the W3C context injected into the message, a process span parented on the extracted
// context, one duration record each), and nothing else. No framework can trace that client for less, so
// "hand-traced raw vs raw" bounds what a "traced ≥ N % of raw" target can ask of any framework.
import { ROOT_CONTEXT, SpanKind, context, trace, type Attributes, type TextMapGetter, type TextMapSetter } from "@opentelemetry/api";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator, hrTime } from "@opentelemetry/core";
import { startOtel, type Otel, type OtelOptions } from "./otel.js";

type Write = (key: string, value: string) => void;
type Read = (key: string) => string | undefined;

const setter: TextMapSetter<Write> = { set: (write, key, value) => write(key, value) };
const getter: TextMapGetter<Read> = { keys: () => [], get: (read, key) => read(key) };

export interface HandTracing {
  readonly otel: Otel;
  /** Wraps one publish: `send` gets the trace headers through `write` before it sends, and is timed. */
  publish(write: Write, send: () => Promise<void>): Promise<void>;
  /** Wraps one received message: the context comes from `read`, `handle` runs in the process span. */
  consume(read: Read, handle: () => void): void;
}

export function handTracing(system: string, destination: string, options: OtelOptions = {}): HandTracing {
  const otel = startOtel(options);
  const tracer = otel.tracerProvider.getTracer("hand-traced");
  const meter = otel.meterProvider.getMeter("hand-traced");
  const sendDuration = meter.createHistogram("messaging.client.operation.duration", { unit: "s" });
  const processDuration = meter.createHistogram("messaging.process.duration", { unit: "s" });
  const propagator = new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] });
  const spanAttributes = (operation: string): Attributes => ({
    "messaging.system.name": system,
    "messaging.operation.name": operation,
    "messaging.operation.type": operation,
    "messaging.destination.name": destination,
  });
  const sendMetric = { "messaging.system.name": system, "messaging.operation.name": "send", "messaging.operation.type": "send", "messaging.destination.name": destination };
  const processMetric = { "messaging.system.name": system, "messaging.operation.name": "process", "messaging.destination.name": destination };
  return {
    otel,
    async publish(write, send) {
      const started = performance.now();
      const span = tracer.startSpan(`send ${destination}`, { kind: SpanKind.PRODUCER, startTime: hrTime(started), attributes: spanAttributes("send") }, context.active());
      const spanContext = trace.setSpan(context.active(), span);
      propagator.inject(spanContext, write, setter);
      try {
        await context.with(spanContext, send);
      } finally {
        const ended = performance.now();
        span.end(hrTime(ended));
        sendDuration.record((ended - started) / 1000, sendMetric);
      }
    },
    consume(read, handle) {
      const started = performance.now();
      const parent = propagator.extract(ROOT_CONTEXT, read, getter);
      const span = tracer.startSpan(`process ${destination}`, { kind: SpanKind.CONSUMER, startTime: hrTime(started), attributes: spanAttributes("process") }, parent);
      context.with(trace.setSpan(parent, span), handle);
      const ended = performance.now();
      span.end(hrTime(ended));
      processDuration.record((ended - started) / 1000, processMetric);
    },
  };
}
