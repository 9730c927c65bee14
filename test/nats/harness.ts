import { randomUUID } from "node:crypto";
import { connect } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import type { Middleware } from "../../src/core/index.js";
import { NatsBroker, NatsRouter, type NatsStreamConfig } from "../../src/nats/index.js";
import { NatsTelemetryMiddleware } from "../../src/nats/opentelemetry.js";
import type { BrokerHarness, ConformanceBrokerOptions } from "../conformance/harness.js";
import { parseServerAttributes, type TelemetryHarness } from "../conformance/telemetry-kit.js";

export const NATS_URL = process.env.NATS_URL ?? "nats://127.0.0.1:4222";

// An unreachable server must fail the run loudly (in CI too), never skip it.
try {
  const probe = await connect({ servers: NATS_URL, timeout: 3_000, reconnect: false });
  await probe.close();
} catch (error) {
  throw new Error(`The NATS tests need a NATS server with JetStream at ${NATS_URL} (set NATS_URL): ${String(error)}`, { cause: error });
}

export const run = randomUUID().slice(0, 8);
const unique = (): string => randomUUID().slice(0, 8);

/** Every JetStream test destination lives under one stream of this run, deleted by `deleteTestStreams`. */
export const testStream: NatsStreamConfig = { name: `postline_test_${run}`, subjects: [`plj.${run}.>`], storage: "memory" };

type AnyMiddlewares = readonly Middleware<"nats">[] | undefined;

/**
 * Core subjects: at-most-once, so the redelivery suites do not apply (the transport says so for this kind).
 * Queue groups are the consumer groups.
 */
export const natsCoreHarness: BrokerHarness = {
  name: "nats core",
  capabilities: natsCapabilitiesOf("core"),
  createBroker: (options: ConformanceBrokerOptions = {}) => new NatsBroker({ ...options, middlewares: options.middlewares as AnyMiddlewares, servers: NATS_URL }),
  createRouter: (options) => new NatsRouter({ ...options, middlewares: options.middlewares as AnyMiddlewares }),
  destination: (label) => `plc.${run}.${label}.${unique()}`,
  subscriberOptions: ({ group }) => (group === undefined ? {} : { group }),
  slowConsumer: { subscriberOptions: (maxPending) => ({ maxPending }) },
  noResponders: "NoRespondersError",
  settleDelayMs: 100,
  timeoutMs: 5_000,
};

/**
 * JetStream: every subscriber reads from the run's stream through its own consumer (a shared durable one for
 * a group), and every publish waits for the stream's acknowledgement. Requests carry their inbox in a header
 * (the stream would answer the NATS reply subject itself), so a request nobody handles times out.
 */
export const natsJetStreamHarness: BrokerHarness = {
  name: "nats jetstream",
  capabilities: natsCapabilitiesOf("jetstream"),
  createBroker: (options: ConformanceBrokerOptions = {}) =>
    new NatsBroker({ ...options, middlewares: options.middlewares as AnyMiddlewares, servers: NATS_URL, jetstream: { publish: true } }),
  createRouter: (options) => new NatsRouter({ ...options, middlewares: options.middlewares as AnyMiddlewares }),
  destination: (label) => `plj.${run}.${label}.${unique()}`,
  subscriberOptions: ({ group }) => ({ jetstream: { stream: testStream }, ...(group === undefined ? {} : { group }) }),
  noResponders: "RequestTimeoutError",
  settleDelayMs: 150,
  timeoutMs: 5_000,
};

function natsCapabilitiesOf(kind: "core" | "jetstream") {
  const transport = new NatsBroker().runtime().transport as unknown as { capabilitiesOf(kind: "core" | "jetstream"): BrokerHarness["capabilities"] };
  return transport.capabilitiesOf(kind);
}

export const natsTelemetryHarness: TelemetryHarness = {
  system: "nats",
  middleware: (options) => new NatsTelemetryMiddleware(options),
  extraAttributes: () => parseServerAttributes(NATS_URL, 4222),
  reportsConsumerGroup: true,
};

/** Removes the streams this run declared (real servers keep state between runs). */
export async function deleteTestStreams(): Promise<void> {
  const nc = await connect({ servers: NATS_URL });
  try {
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names()) {
      if (name.endsWith(`_${run}`)) await jsm.streams.delete(name);
    }
  } finally {
    await nc.close();
  }
}
