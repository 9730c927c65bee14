// The in-process suite: the raw hub, Postline untraced and Postline traced, one subscriber each, in one run;
// plus extras (run only when named with --variants) that split the tracing cost, and the SDK floor.
import { silentLogger, type Middleware } from "../src/index.js";
import { MemoryBroker, MemoryHub, type MemoryBrokerOptions } from "../src/memory/index.js";
import type { GroupMember } from "../src/memory/group-queue.js";
import { MemoryTelemetryMiddleware } from "../src/memory/opentelemetry.js";
import { formatRate, formatUs, type Probe, type Session, type Suite, type Variant } from "./harness.js";
import { sdkFloorVariant } from "./sdk-floor.js";
import { PAYLOAD_JSON, POSTLINE, TRACED, postlineSession, rate, standardComparisons, tracedVariant, tracingCost, untracedVariant, type PostlineSpec } from "./variants.js";

const DESTINATION = "bench";
const PAYLOAD_BYTES = new TextEncoder().encode(PAYLOAD_JSON);

/** The hub without the broker: a member that acks at once. What the framework's layers are measured against. */
const rawHub: Variant = {
  name: "raw-hub",
  description: "MemoryHub + a group member that acks; pre-encoded body, no ids, no codecs, no middleware chain",
  async setup(probe: Probe): Promise<Session> {
    const hub = new MemoryHub();
    const member: GroupMember = {
      concurrency: 1,
      batch: undefined,
      inFlight: 0,
      deliver: (_messages, settle) => {
        probe.handled();
        settle({ kind: "ack" });
        return Promise.resolve();
      },
    };
    // The member acks everything: nothing is ever dropped.
    const leave = hub.join(DESTINATION, member, { group: undefined, deadLetter: undefined, maxDeliveries: undefined, onDrop: () => {} });
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
        leave();
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

const SDK = "sdk-trace TracerProvider + BatchSpanProcessor, sdk-metrics MeterProvider + PeriodicExportingMetricReader (60 s), both exporting to a discarding exporter; AsyncLocalStorageContextManager";
const postlineTraced = traced(TRACED, `MemoryBroker + MemoryTelemetryMiddleware (current semconv): ${SDK}`, { spans: true, metrics: true, counters: true });

// Extras, run only when named with --variants: they split the tracing cost into its parts.
const extras: Variant[] = [
  traced("traced-spans-only", "as postline-traced without a MeterProvider (the global no-op one)", { spans: true, metrics: false, counters: true }, true),
  traced("traced-metrics-only", "as postline-traced without a TracerProvider (the global no-op one)", { spans: false, metrics: true, counters: true }, true),
  traced("traced-no-counters", "as postline-traced with includeMessagesCounters: false", { spans: true, metrics: true, counters: false }, true),
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
      "sdk-floor: the OpenTelemetry SDK calls one traced message needs, in a plain loop with no Postline code (bench/sdk-floor.ts). Its µs/msg is the least any framework's tracing of a publish→consume hop can cost with this SDK; tracing cost minus it is what Postline's own telemetry code adds.",
    ],
  };
}
