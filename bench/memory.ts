// The in-process suite: the raw hub, Postline untraced and Postline traced, one subscriber each, in one run;
// plus extras (run only when named with --variants) that split the tracing cost, and the SDK floor (in a loop, in a
// handler, and as a bare middleware).
import { context, type Attributes } from "@opentelemetry/api";
import { silentLogger, type Middleware } from "../src/index.js";
import { DeliveryQueue } from "../src/core/index.js";
import { MemoryBroker, MemoryHub, type MemoryBrokerOptions } from "../src/memory/index.js";
import type { QueuedMessage } from "../src/memory/envelope.js";
import { MemoryTelemetryMiddleware } from "../src/memory/opentelemetry.js";
import { formatRate, formatUs, type Probe, type Session, type Suite, type Variant } from "./harness.js";
import { handCalls, handTracing } from "./hand-traced.js";
import type { Providers } from "./otel.js";
import { sdkFloorVariant } from "./sdk-floor.js";
import { PAYLOAD, PAYLOAD_JSON, POSTLINE, TRACED, postlineSession, rate, standardComparisons, tracedVariant, tracingCost, untracedVariant, type PostlineSpec } from "./variants.js";

const DESTINATION = "bench";
const PAYLOAD_BYTES = new TextEncoder().encode(PAYLOAD_JSON);

/** The hub without the broker: a member that acks at once. What the framework's layers are measured against. */
const rawHub: Variant = {
  name: "raw-hub",
  description: "MemoryHub + a group member that acks; pre-encoded body, no ids, no codecs, no middleware chain",
  async setup(probe: Probe): Promise<Session> {
    const hub = new MemoryHub();
    const member = new DeliveryQueue<QueuedMessage>({
      concurrency: 1,
      onSlot: () => membership.pull(),
      deliver: () => {
        probe.handled();
        return Promise.resolve();
      },
    });
    // The member acks everything (an ack changes nothing in the hub): nothing is ever dropped.
    const membership = hub.join(DESTINATION, member, { group: undefined, deadLetter: undefined, onDrop: () => {} });
    return {
      publish: () =>
        hub.publish({
          destination: DESTINATION,
          body: PAYLOAD_BYTES,
          headers: {},
          contentType: "application/json",
          correlationId: undefined,
          messageId: undefined,
          replyTo: undefined,
        }) ?? Promise.resolve(),
      teardown: () => {
        membership.leave();
        return Promise.resolve(undefined);
      },
    };
  },
};

/** A MemoryBroker with these options (and middlewares); the extras differ from postline only in options. */
const memorySpec = (options: MemoryBrokerOptions = {}): PostlineSpec<Middleware<"memory">> => ({
  session: (probe: Probe, middlewares) => postlineSession(new MemoryBroker({ logger: silentLogger, ...options, middlewares }), DESTINATION, probe),
  telemetry: (providers) => new MemoryTelemetryMiddleware(providers),
});
const spec = memorySpec();

const untraced = untracedVariant(spec, "MemoryBroker, one subscriber, no middleware; no OpenTelemetry registered at all");

const untracedExtra = (name: string, description: string, options: MemoryBrokerOptions): Variant => ({ name, description, extra: true, setup: (probe) => memorySpec(options).session(probe, []) });

const untracedExtras: Variant[] = [
  untracedExtra("postline-buffer-10k", "as postline with bufferSize: 10 000 (the hub's default is 1 000): what a deep backlog costs", { bufferSize: 10_000 }),
];

/** Which parts of the SDK a traced variant registers; a missing provider leaves the global no-op one. */
interface TracingParts {
  readonly spans: boolean;
  readonly metrics: boolean;
  /** The middleware's `includeMessagesCounters` (its default is true). */
  readonly counters: boolean;
}

function traced(name: string, description: string, parts: TracingParts, extra = false): Variant {
  return tracedVariant(spec, description, {
    name,
    extra,
    spans: parts.spans,
    metrics: parts.metrics,
    ...(parts.counters ? { counter: "messaging.client.consumed.messages" } : {}),
    telemetry: (providers) => new MemoryTelemetryMiddleware({ ...providers, includeMessagesCounters: parts.counters }),
  });
}

/** The per-message attributes Postline sets (sdk-floor sets the same three). */
const extra = (message: { readonly messageId: string | undefined; readonly correlationId: string | undefined; readonly body: Uint8Array }): Attributes => ({
  "messaging.message.id": message.messageId ?? "",
  "messaging.message.conversation_id": message.correlationId ?? "",
  "messaging.message.body.size": message.body.byteLength,
});

/**
 * The SDK calls of bench/hand-traced.ts as a middleware, and nothing else: the same place in the pipeline as
 * Postline's telemetry (the send span active around the send, the process span around the handler and ended at
 * settlement), without Postline's telemetry code. Postline's cost minus this one is what its own code adds.
 */
function bareMiddleware(providers: Providers): Middleware<"memory"> {
  if (providers.tracerProvider === undefined || providers.meterProvider === undefined) throw new Error("the bare middleware needs both providers");
  const calls = handCalls({ tracerProvider: providers.tracerProvider, meterProvider: providers.meterProvider }, "memory", DESTINATION);
  return {
    broker: "memory",
    publish(command, next) {
      const message = command.messages[0]!;
      const operation = calls.startSend((key, value) => (message.headers[key] = value), extra(message));
      return context.with(operation.context, next, undefined, command).finally(() => operation.end());
    },
    consume(delivery, next) {
      const message = delivery.message;
      const operation = calls.startProcess((key) => message.headers[key], extra(message));
      delivery.onSettled(() => operation.end());
      return context.with(operation.context, next);
    },
  };
}

/**
 * Untraced Postline whose handler makes the sdk-floor calls itself, synchronously: the SDK's work interleaved with
 * the broker's, but with no context carried from the publisher to the handler. Between sdk-floor (a tight loop)
 * and bare-middleware (the context carried through the pipeline in headers and async scopes).
 */
const sdkInHandler: Variant = {
  name: "sdk-in-handler",
  description: "MemoryBroker, no middleware; the handler makes the sdk-floor calls for its message (send + process span, no context across the pipeline); same SDK set-up",
  extra: true,
  async setup(probe: Probe): Promise<Session> {
    const tracing = handTracing("memory", DESTINATION);
    const broker = new MemoryBroker({ logger: silentLogger });
    broker.subscriber(DESTINATION).handle((_body, message) => {
      tracing.hop(extra(message.message));
      probe.handled();
      return undefined;
    });
    await broker.start();
    return {
      publish: () => broker.publish(PAYLOAD, DESTINATION),
      async teardown() {
        await broker.close();
        await tracing.otel.stop();
        return [tracing.otel.spansPerMessage(probe.count, 2)];
      },
    };
  },
};

const SDK = "sdk-trace TracerProvider + BatchSpanProcessor, sdk-metrics MeterProvider + PeriodicExportingMetricReader (60 s), both exporting to a discarding exporter; AsyncLocalStorageContextManager";
const postlineTraced = traced(TRACED, `MemoryBroker + MemoryTelemetryMiddleware (current semconv): ${SDK}`, { spans: true, metrics: true, counters: true });

// Extras, run only when named with --variants: they split the tracing cost into its parts.
const extras: Variant[] = [
  traced("traced-spans-only", "as postline-traced without a MeterProvider (the global no-op one)", { spans: true, metrics: false, counters: true }, true),
  traced("traced-metrics-only", "as postline-traced without a TracerProvider (the global no-op one)", { spans: false, metrics: true, counters: true }, true),
  traced("traced-no-counters", "as postline-traced with includeMessagesCounters: false", { spans: true, metrics: true, counters: false }, true),
  tracedVariant(spec, "MemoryBroker + a bare middleware making only the SDK calls of sdk-floor (bench/memory.ts bareMiddleware); same SDK set-up", { name: "bare-middleware", extra: true, telemetry: bareMiddleware }),
  sdkInHandler,
];

const TARGET_UNTRACED = 200_000;
const TARGET_TRACING_US = 10;

export function memorySuite(): Suite {
  return {
    name: "memory",
    title: "In-process broker (MemoryBroker), one subscriber",
    variants: [rawHub, untraced, postlineTraced, sdkFloorVariant("memory", DESTINATION), ...untracedExtras, ...extras],
    comparisons: [
      ...standardComparisons("raw-hub"),
      // Shown when the extras run.
      { label: "spans + propagation", variant: "traced-spans-only", against: "postline" },
      { label: "metrics + propagation", variant: "traced-metrics-only", against: "postline" },
      { label: "message counters", variant: "postline-traced", against: "traced-no-counters" },
      { label: "the SDK calls in the handler", variant: "sdk-in-handler", against: "postline" },
      { label: "the SDK calls as a middleware", variant: "bare-middleware", against: "postline" },
      { label: "Postline's telemetry code", variant: "postline-traced", against: "bare-middleware" },
      { label: "a 10 000-message buffer", variant: "postline-buffer-10k", against: "postline" },
    ],
    targets: [
      {
        label: `postline untraced ≥ ${formatRate(TARGET_UNTRACED)} msg/s`,
        check: (result) => {
          const untracedRate = rate(result, POSTLINE);
          return { measured: `${formatRate(untracedRate)} msg/s`, met: untracedRate >= TARGET_UNTRACED };
        },
      },
      {
        label: `tracing ≤ ${TARGET_TRACING_US} µs per message`,
        check: (result) => {
          const addedUs = tracingCost(result);
          return { measured: `${formatUs(addedUs)} µs`, met: addedUs <= TARGET_TRACING_US };
        },
      },
    ],
    notes: [
      "Throughput: a publisher loop awaits each publish; the hub buffers up to 1 000 messages per group (its default) and then makes publishers wait, so the loop and the one subscriber (concurrency 1) run interleaved on one thread. With --in-flight N the harness also stops publishing while N messages are unhandled (the settings line says which applied).",
      "Latency: one message in flight; from just before publish() to the start of the handler.",
      "Tracing cost = 1e6/traced − 1e6/untraced msg/s: what tracing adds per message (a send span, a process span, 2 histograms and 2 counters, context propagation). Span export is discarded: network export is not included.",
      "sdk-floor: the OpenTelemetry SDK calls one traced message needs, in a plain loop with no Postline code (bench/sdk-floor.ts). Its µs/msg is the least any framework's tracing of a publish→consume hop can cost with this SDK.",
      "Extras (--variants): sdk-in-handler makes the same calls inside an untraced subscriber's handler (the SDK's work interleaved with the broker's, no context carried); bare-middleware makes them as a middleware (the context carried in the headers and active around the send and the handler, as tracing must). postline-traced minus bare-middleware is what Postline's own telemetry code adds.",
    ],
  };
}
