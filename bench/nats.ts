// NATS core: the raw NATS.js client vs Postline untraced vs Postline traced, one subscriber, one process.
import { connect, headers as natsHeaders } from "@nats-io/transport-node";
import { randomUUID } from "node:crypto";
import { silentLogger, type Middleware } from "../src/index.js";
import { NatsBroker } from "../src/nats/index.js";
import { NatsTelemetryMiddleware } from "../src/nats/opentelemetry.js";
import { handTracing } from "./hand-traced.js";
import type { Probe, Session, Suite, Variant } from "./harness.js";
import { PAYLOAD_JSON, handTracedBound, handTracedComparisons, postlineSession, postlineVariants, shareAndRate, standardComparisons, tracedShareTarget, tracingCostTarget, type PostlineSpec } from "./variants.js";

const SERVER = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
const PAYLOAD_BYTES = new TextEncoder().encode(PAYLOAD_JSON);
const subject = (): string => `postline.bench.${randomUUID().slice(0, 8)}`;

/** NATS.js alone: a callback subscription and a pre-encoded body, no headers. */
const raw: Variant = {
  name: "raw-nats",
  description: "NATS.js 3 core publish + callback subscription; pre-encoded body, no headers",
  async setup(probe: Probe): Promise<Session> {
    const nc = await connect({ servers: SERVER });
    const dest = subject();
    nc.subscribe(dest, { callback: () => probe.handled() });
    await nc.flush();
    return {
      publish: () => {
        nc.publish(dest, PAYLOAD_BYTES);
        return Promise.resolve();
      },
      teardown: async () => {
        await nc.drain();
        return undefined;
      },
    };
  },
};

/** raw-nats with the OpenTelemetry calls written by hand: the least tracing NATS.js can cost. */
const handTraced: Variant = {
  name: "raw-nats-traced",
  description: "raw-nats traced by hand (bench/hand-traced.ts): send span + W3C context in NATS headers, process span, 2 duration records; same SDK set-up as postline-traced",
  async setup(probe: Probe): Promise<Session> {
    const nc = await connect({ servers: SERVER });
    const dest = subject();
    const tracing = handTracing("nats", dest, { maxQueueSize: 65_536 });
    const handled = (): void => probe.handled();
    nc.subscribe(dest, { callback: (_error, msg) => tracing.consume((key) => msg.headers?.get(key) || undefined, handled) });
    await nc.flush();
    return {
      publish: () => {
        const headers = natsHeaders();
        return tracing.publish(
          (key, value) => headers.set(key, value),
          () => {
            nc.publish(dest, PAYLOAD_BYTES, { headers });
            return Promise.resolve();
          },
        );
      },
      teardown: async () => {
        await nc.drain();
        await tracing.otel.stop();
        return [tracing.otel.spansPerMessage(probe.count, 2)];
      },
    };
  },
};

const spec: PostlineSpec<Middleware<"nats">> = {
  session: (probe, middlewares) => postlineSession(new NatsBroker({ servers: SERVER, logger: silentLogger, middlewares }), subject(), probe),
  telemetry: (providers) => new NatsTelemetryMiddleware(providers),
  otel: { maxQueueSize: 65_536 },
};

const [untraced, traced] = postlineVariants(spec, {
  untraced: "NatsBroker, one core subscriber, no middleware; no OpenTelemetry registered",
  traced: "NatsBroker + NatsTelemetryMiddleware (current semconv): TracerProvider + BatchSpanProcessor and MeterProvider, discarding exporters; AsyncLocalStorageContextManager",
});

export function natsSuite(): Suite {
  return {
    name: "nats",
    title: "NATS core subject (NATS.js 3, server 2.9 on this machine), one subscriber in the publishing process",
    variants: [raw, untraced, traced, handTraced],
    comparisons: [...standardComparisons("raw-nats"), ...handTracedComparisons("raw-nats-traced", "raw-nats")],
    targets: [tracedShareTarget("raw-nats", "raw NATS.js throughput", shareAndRate), handTracedBound("raw-nats-traced", "raw-nats"), tracingCostTarget("tracing cost reported", "µs/msg")],
    // The server acks nothing on core subjects: without a window the publisher would outrun the subscriber.
    maxInFlight: 1_000,
    notes: [
      "Throughput: a publisher loop with at most 1 000 published-but-unhandled messages (--in-flight to change); publisher and subscriber share one Node process and one connection each.",
      "Latency: one message in flight; from just before publish() to the start of the handler (a full round trip through the server).",
    ],
  };
}
