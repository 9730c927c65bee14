// The Redis suite: a raw ioredis pub/sub client, Postline untraced and Postline traced, one subscriber each on
// one channel of the real server (REDIS_URL, default redis://127.0.0.1:6379), in one run.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { silentLogger, type Middleware } from "../src/index.js";
import { RedisBroker } from "../src/redis/index.js";
import { RedisTelemetryMiddleware } from "../src/redis/opentelemetry.js";
import type { Probe, Session, Suite, Variant } from "./harness.js";
import { PAYLOAD_JSON, postlineSession, postlineVariants, standardComparisons, tracedShareTarget, tracingCostTarget, type PostlineSpec } from "./variants.js";

const URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const PAYLOAD_BYTES = Buffer.from(PAYLOAD_JSON);

const channel = (): string => `bench.redis.${randomUUID().slice(0, 8)}`;

/** ioredis alone: PUBLISH of pre-encoded bytes, a subscriber connection counting `messageBuffer` events. */
const raw: Variant = {
  name: "raw-ioredis",
  description: "ioredis PUBLISH of a pre-encoded JSON body; a second connection SUBSCRIBEd, counting messages (no envelope, no decoding)",
  async setup(probe: Probe): Promise<Session> {
    const name = channel();
    const publisher = new Redis(URL);
    const subscriber = new Redis(URL);
    subscriber.on("messageBuffer", () => probe.handled());
    await subscriber.subscribe(name);
    return {
      publish: async () => {
        await publisher.publish(name, PAYLOAD_BYTES);
      },
      teardown: async () => {
        await Promise.all([publisher.quit(), subscriber.quit()]);
        return undefined;
      },
    };
  },
};

const spec: PostlineSpec<Middleware<"redis">> = {
  session: (probe, middlewares) => postlineSession(new RedisBroker({ url: URL, logger: silentLogger, middlewares }), channel(), probe),
  telemetry: (providers) => new RedisTelemetryMiddleware(providers),
};

const [untraced, traced] = postlineVariants(spec, {
  untraced: "RedisBroker on a channel, one subscriber (FastStream binary envelope, JSON codec), no middleware",
  traced: "as postline + RedisTelemetryMiddleware (current semconv): sdk-trace BatchSpanProcessor and sdk-metrics, discarding exporters",
});

export function redisSuite(): Suite {
  return {
    name: "redis",
    title: "Redis pub/sub (RedisBroker on one channel), one subscriber",
    variants: [raw, untraced, traced],
    comparisons: standardComparisons("raw-ioredis"),
    targets: [tracedShareTarget("raw-ioredis", "raw ioredis throughput"), tracingCostTarget("tracing cost per message (informational)", "µs")],
    maxInFlight: 1_000,
    notes: [
      "Throughput: a publisher loop awaits each PUBLISH (ioredis pipelines them on one connection); at most 1 000 messages are published but not yet handled.",
      "Latency: one message in flight; from just before publish() to the start of the handler, through the Redis server.",
      "Postline adds per message: FastStream's binary envelope (encode and decode), the JSON codec, ids and the middleware chain. Span export is discarded.",
    ],
  };
}
