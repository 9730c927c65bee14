// The RabbitMQ suite: raw amqplib, Postline untraced, Postline traced, and amqplib with the contrib
// instrumentation (@opentelemetry/instrumentation-amqplib), one subscriber each, against the local server.
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import type * as Amqplib from "amqplib";
import { silentLogger, type Middleware } from "../src/index.js";
import { RabbitBroker } from "../src/rabbit/index.js";
import { RabbitTelemetryMiddleware } from "../src/rabbit/opentelemetry.js";
import { formatRate, type Comparison, type Probe, type Session, type Suite, type Target, type Variant } from "./harness.js";
import { handTracing } from "./hand-traced.js";
import { startOtel, type OtelOptions } from "./otel.js";
import { PAYLOAD_JSON, TRACED, handTracedBound, handTracedComparisons, postlineSession, postlineVariants, rate, standardComparisons, tracedShareTarget, tracedVariant, type PostlineSpec } from "./variants.js";

type Amqp = typeof Amqplib;

const URL = process.env.RABBITMQ_URL ?? "amqp://guest:guest@127.0.0.1:5672";
const PAYLOAD_BYTES = Buffer.from(PAYLOAD_JSON);
/** The SDK of both traced variants (Postline's and the contrib instrumentation's): a span queue that drops nothing. */
const OTEL: OtelOptions = { maxQueueSize: 65_536 };
const PREFETCH = 100;
const require = createRequire(import.meta.url);

/** Each run gets its own destination exchange, deleted at teardown. */
const destination = (): string => `bench.rabbit.${randomUUID().slice(0, 8)}`;

/**
 * What Postline does per message, written by hand with amqplib: the same topology (a topic exchange per
 * destination, an exclusive server-named queue bound with `#`), publisher confirms awaited per publish,
 * prefetch 100, one ack per message; a pre-encoded body, no ids, no codecs, no middleware chain.
 */
async function rawSession(amqp: Amqp, probe: Probe, confirms: boolean, traced = false): Promise<Session> {
  const connection = await amqp.connect(URL, { noDelay: true });
  const exchange = destination();
  // Traced by hand (bench/hand-traced.ts): the least tracing amqplib can cost.
  const tracing = traced ? handTracing("rabbitmq", exchange, OTEL) : undefined;
  const consumer = await connection.createChannel();
  await consumer.prefetch(PREFETCH);
  await consumer.assertExchange(exchange, "topic", { durable: true });
  const { queue } = await consumer.assertQueue("", { exclusive: true, autoDelete: true });
  await consumer.bindQueue(queue, exchange, "#");
  const handled = (): void => probe.handled();
  await consumer.consume(queue, (message) => {
    if (message === null) return;
    if (tracing === undefined) handled();
    else tracing.consume((key) => message.properties.headers?.[key] as string | undefined, handled);
    consumer.ack(message);
  });
  const publisher = confirms ? await connection.createConfirmChannel() : await connection.createChannel();
  const send = (properties: Amqplib.Options.Publish) =>
    confirms
      ? new Promise<void>((resolve, reject) => {
          (publisher as Awaited<ReturnType<typeof connection.createConfirmChannel>>).publish(exchange, "", PAYLOAD_BYTES, properties, (error: unknown) => (error ? reject(error instanceof Error ? error : new Error("publish not confirmed")) : resolve()));
        })
      : publisher.publish(exchange, "", PAYLOAD_BYTES, properties)
        ? Promise.resolve()
        : // Without confirms the only backpressure is the socket buffer.
          new Promise<void>((resolve) => publisher.once("drain", resolve));
  const plain = { contentType: "application/json", persistent: true };
  const publish =
    tracing === undefined
      ? () => send(plain)
      : () => {
          const headers: Record<string, string> = {};
          return tracing.publish(
            (key, value) => (headers[key] = value),
            () => send({ ...plain, headers }),
          );
        };
  return {
    publish,
    async teardown() {
      await consumer.deleteExchange(exchange);
      await connection.close();
      if (tracing === undefined) return undefined;
      await tracing.otel.stop();
      return [tracing.otel.spansPerMessage(probe.count, 2)];
    },
  };
}

const raw: Variant = {
  name: "raw-amqplib",
  description: `amqplib, confirm channel (each publish awaits its confirm), prefetch ${PREFETCH}, ack per message`,
  setup: (probe) => rawSession(require("amqplib") as Amqp, probe, true),
};

const handTraced: Variant = {
  name: "raw-amqplib-traced",
  description: "raw-amqplib traced by hand (bench/hand-traced.ts): send span + W3C context in AMQP headers, process span, 2 duration records; same SDK set-up as postline-traced",
  setup: (probe) => rawSession(require("amqplib") as Amqp, probe, true, true),
};

const rawNoConfirms: Variant = {
  name: "raw-no-confirms",
  description: "as raw-amqplib on a plain channel: publish resolves when amqplib buffered the message",
  extra: true,
  setup: (probe) => rawSession(require("amqplib") as Amqp, probe, false),
};

/** Removes a Postline destination's exchange, which the broker leaves on the server. */
async function deleteExchange(name: string): Promise<void> {
  const cleanup = await (require("amqplib") as Amqp).connect(URL);
  await (await cleanup.createChannel()).deleteExchange(name);
  await cleanup.close();
}

const spec: PostlineSpec<Middleware<"rabbit">> = {
  session(probe, middlewares) {
    const name = destination();
    return postlineSession(new RabbitBroker({ url: URL, logger: silentLogger, middlewares }), name, probe, { subscribe: { prefetch: PREFETCH }, cleanup: () => deleteExchange(name) });
  },
  telemetry: (providers) => new RabbitTelemetryMiddleware(providers),
  otel: OTEL,
};

const [untraced, traced] = postlineVariants(spec, {
  untraced: "RabbitBroker, one subscriber (a Postline destination), no middleware; no OpenTelemetry registered",
  traced: "RabbitBroker + RabbitTelemetryMiddleware (current semconv); sdk-trace BatchSpanProcessor and sdk-metrics, discarding exporters",
});

/**
 * raw-amqplib with @opentelemetry/instrumentation-amqplib. It patches amqplib's internal files when they are
 * loaded, so this variant loads a fresh copy of amqplib after enabling it (the other variants keep theirs).
 */
const instrumented: Variant = {
  name: "amqplib-otel",
  description: "raw-amqplib with @opentelemetry/instrumentation-amqplib (publish + consume spans), same SDK as postline-traced",
  async setup(probe) {
    const otel = startOtel(OTEL);
    const { AmqplibInstrumentation } = await import("@opentelemetry/instrumentation-amqplib");
    const instrumentation = otel.instrument(new AmqplibInstrumentation());
    const cached = Object.keys(require.cache).filter((key) => key.includes("/node_modules/amqplib/"));
    const saved = cached.map((key) => [key, require.cache[key]] as const);
    for (const key of cached) delete require.cache[key];
    let session: Session;
    try {
      session = await rawSession(require("amqplib") as Amqp, probe, true);
    } finally {
      for (const [key, module] of saved) require.cache[key] = module;
    }
    return {
      publish: session.publish,
      async teardown() {
        await session.teardown();
        instrumentation.disable();
        await otel.stop();
        return [otel.spansPerMessage(probe.count, 2)];
      },
    };
  },
};

const CONTRIB: Comparison = { label: "contrib instrumentation", variant: "amqplib-otel", against: "raw-amqplib" };

/** Postline with the telemetry the contrib path records (spans, no metrics): the like-for-like comparison. */
const tracedSpans = tracedVariant(spec, "as postline-traced without a MeterProvider: spans only, which is what instrumentation-amqplib records", { name: "postline-traced-spans", metrics: false });
const SPANS_VS_CONTRIB: Comparison = { label: "Postline spans only vs contrib", variant: "postline-traced-spans", against: "amqplib-otel" };

function fasterThanContrib(variant: string, label: string): Target {
  return {
    label,
    check: (result) => {
      const ours = rate(result, variant);
      const theirs = rate(result, "amqplib-otel");
      return { measured: `${formatRate(ours)} vs ${formatRate(theirs)} msg/s`, met: ours > theirs };
    },
  };
}

export function rabbitSuite(): Suite {
  return {
    name: "rabbit",
    title: "RabbitMQ (amqplib), one subscriber, publisher confirms",
    variants: [raw, untraced, traced, tracedSpans, instrumented, handTraced, rawNoConfirms],
    maxInFlight: 1_000,
    comparisons: [
      ...standardComparisons("raw-amqplib"),
      CONTRIB,
      SPANS_VS_CONTRIB,
      ...handTracedComparisons("raw-amqplib-traced", "raw-amqplib"),
      { label: "confirms", variant: "raw-amqplib", against: "raw-no-confirms" },
    ],
    targets: [
      tracedShareTarget("raw-amqplib", "raw amqplib"),
      handTracedBound("raw-amqplib-traced", "raw-amqplib"),
      fasterThanContrib(TRACED, "postline traced (spans and metrics) faster than amqplib + instrumentation-amqplib (spans)"),
      fasterThanContrib("postline-traced-spans", "postline traced, spans only, faster than amqplib + instrumentation-amqplib"),
    ],
    notes: [
      "Throughput: a publisher loop awaits each publish, which (as in Postline) waits for RabbitMQ's confirm; at most 1 000 messages published and not yet handled. One process, publisher and subscriber on one connection each.",
      "Latency: one message in flight; from just before publish() to the start of the handler.",
      "Tracing cost = 1e6/traced − 1e6/untraced msg/s. Span export is discarded: network export is not included.",
    ],
  };
}
