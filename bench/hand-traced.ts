// The least tracing can cost on a given client: the OpenTelemetry calls Postline's middleware makes for one
// message (current conventions), written by hand around the client's own publish and its own message
// callback, and nothing else: a send span with the W3C context injected into the message, a process span
// parented on the extracted context with the settlement attribute, one duration record each. No framework can
// trace a client for less with this SDK, so "hand-traced raw vs raw" bounds what a "traced ≥ N % of raw"
// target can ask. The in-process suite runs the same calls with no client at all (bench/sdk-floor.ts).
import { ROOT_CONTEXT, SpanKind, context, trace, type Attributes, type Context, type MeterProvider, type TextMapGetter, type TextMapSetter, type TracerProvider } from "@opentelemetry/api";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator, hrTime } from "@opentelemetry/core";
import { startOtel, type Otel, type OtelOptions } from "./otel.js";

type Write = (key: string, value: string) => void;
type Read = (key: string) => string | undefined;

const setter: TextMapSetter<Write> = { set: (write, key, value) => write(key, value) };
const getter: TextMapGetter<Read> = { keys: () => [], get: (read, key) => read(key) };

/** A started send or process: its context (active while the client sends or the handler runs) and its end. */
export interface HandOperation {
  readonly context: Context;
  end(): void;
}

export interface HandCalls {
  /** Starts a send span and writes the trace headers through `write`; `extra` are per-message attributes. */
  startSend(write: Write, extra?: Attributes): HandOperation;
  /** One publish: `send` runs in the send span, which ends when it settles. */
  publish(write: Write, send: () => Promise<void>, extra?: Attributes): Promise<void>;
  /** Extracts the context through `read` and starts a process span; `end` sets the settlement and ends it. */
  startProcess(read: Read, extra?: Attributes): HandOperation;
  /** One received message: the context comes from `read`, `handle` runs in the process span. */
  consume(read: Read, handle: () => void, extra?: Attributes): void;
  /** A whole hop with nothing in between: a send span injecting into a fresh header record, a process span extracting from it. */
  hop(extra?: Attributes): void;
}

export interface HandTracing extends HandCalls {
  readonly otel: Otel;
}

/** The hand-written calls on a fresh SDK set-up of their own. */
export function handTracing(system: string, destination: string, options: OtelOptions = {}): HandTracing {
  const otel = startOtel(options);
  return { otel, ...handCalls(otel, system, destination) };
}

/** The hand-written calls on providers someone else set up. */
export function handCalls(providers: { readonly tracerProvider: TracerProvider; readonly meterProvider: MeterProvider }, system: string, destination: string): HandCalls {
  const tracer = providers.tracerProvider.getTracer("hand-traced");
  const meter = providers.meterProvider.getMeter("hand-traced");
  const sendDuration = meter.createHistogram("messaging.client.operation.duration", { unit: "s" });
  const processDuration = meter.createHistogram("messaging.process.duration", { unit: "s" });
  const propagator = new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] });
  // The sampling-relevant attributes at start, per-message ones on the started span (as Postline does: the SDK
  // validates start attributes twice, later ones once).
  const spanAttributes = (operation: string): Attributes => ({
    "messaging.system.name": system,
    "messaging.operation.name": operation,
    "messaging.operation.type": operation,
    "messaging.destination.name": destination,
  });
  const sendMetric = { "messaging.system.name": system, "messaging.operation.name": "send", "messaging.operation.type": "send", "messaging.destination.name": destination };
  const processMetric = { "messaging.system.name": system, "messaging.operation.name": "process", "messaging.destination.name": destination };

  const startSend = (write: Write, extra?: Attributes): HandOperation => {
    const started = performance.now();
    const span = tracer.startSpan(`send ${destination}`, { kind: SpanKind.PRODUCER, startTime: hrTime(started), attributes: spanAttributes("send") }, context.active());
    if (extra !== undefined) span.setAttributes(extra);
    const spanContext = trace.setSpan(context.active(), span);
    propagator.inject(spanContext, write, setter);
    return {
      context: spanContext,
      end() {
        const ended = performance.now();
        span.end(hrTime(ended));
        sendDuration.record((ended - started) / 1000, sendMetric);
      },
    };
  };

  const startProcess = (read: Read, extra?: Attributes): HandOperation => {
    const started = performance.now();
    const parent = propagator.extract(ROOT_CONTEXT, read, getter);
    const span = tracer.startSpan(`process ${destination}`, { kind: SpanKind.CONSUMER, startTime: hrTime(started), attributes: spanAttributes("process") }, parent);
    if (extra !== undefined) span.setAttributes(extra);
    return {
      context: trace.setSpan(parent, span),
      end() {
        span.setAttribute("messaging.operation.settlement", "ack");
        const ended = performance.now();
        span.end(hrTime(ended));
        processDuration.record((ended - started) / 1000, processMetric);
      },
    };
  };

  return {
    startSend,
    async publish(write, send, extra) {
      const operation = startSend(write, extra);
      try {
        await context.with(operation.context, send);
      } finally {
        operation.end();
      }
    },
    startProcess,
    consume(read, handle, extra) {
      const operation = startProcess(read, extra);
      context.with(operation.context, handle);
      operation.end();
    },
    hop(extra) {
      const headers: Record<string, string> = {};
      const send = startSend((key, value) => (headers[key] = value), extra);
      context.with(send.context, nothing);
      send.end();
      const process = startProcess((key) => headers[key], extra);
      context.with(process.context, nothing);
      process.end();
    },
  };
}

const nothing = (): void => undefined;
