import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { expect } from "vitest";
import type { Middleware } from "../../src/core/index.js";
import { RedisBroker, RedisRouter, redisCapabilities, type RedisKind } from "../../src/redis/index.js";
import { RedisTelemetryMiddleware } from "../../src/redis/opentelemetry.js";
import type { BrokerHarness } from "../conformance/harness.js";
import { parseServerAttributes, type TelemetryHarness } from "../conformance/telemetry-kit.js";

export const REDIS_URL = process.env.POSTLINE_REDIS_URL ?? "redis://127.0.0.1:6379";

/** A plain client for tests: foreign producers, inspecting keys, cleaning up. */
export function plainClient(): Redis {
  return new Redis(REDIS_URL, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
}

// An unreachable server must fail the run loudly (CI), never skip: checked once, when the tests load.
{
  const probe = plainClient();
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    throw new Error(`the Redis server at ${REDIS_URL} is unreachable (start it, or set POSTLINE_REDIS_URL): ${(error as Error).message}`, { cause: error });
  } finally {
    probe.disconnect();
  }
}

/** Every key a test run creates starts with this, so `cleanupRedis` finds them (and nothing else). */
export const run = `pl-test.${randomUUID().slice(0, 8)}`;

export function uniqueName(label: string): string {
  return `${run}.${label}.${randomUUID().slice(0, 8)}`;
}

/** Deletes the lists and streams this run created (real servers keep state between runs). */
export async function cleanupRedis(): Promise<void> {
  const client = plainClient();
  await client.connect();
  try {
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", `${run}.*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== "0");
  } finally {
    client.disconnect();
  }
}

const why = {
  queue: "a Redis list is a queue: each message goes to one consumer, so subscribers without a group cannot each get every message",
};

/**
 * One harness per kind of Redis subscription, so each suite runs where it applies: pub/sub (at most once, no
 * groups, no redelivery, no batches), lists (queues: one consumer per message, nack pushes back), and streams
 * with groups (acks, redelivery, groups, dead letters). On streams, a subscriber the suites register without a
 * group gets a group of its own: that is how a stream fans out to several acknowledging subscribers.
 */
function harness(kind: RedisKind): BrokerHarness {
  return {
    name: `redis-${kind}`,
    capabilities: redisCapabilities(kind),
    createBroker: (options = {}) =>
      new RedisBroker({ ...options, middlewares: options.middlewares as readonly Middleware<"redis">[] | undefined, url: REDIS_URL, defaultPublishKind: kind }),
    createRouter: (options) => new RedisRouter({ ...options, middlewares: options.middlewares as readonly Middleware<"redis">[] | undefined }),
    destination: (label) => uniqueName(label),
    subscriberOptions: ({ group }) => {
      if (kind === "channel") return {};
      if (kind === "list") return { kind: "list" };
      return { kind: "stream", group: group ?? uniqueName("own-group") };
    },
    ...(kind === "channel"
      ? { slowConsumer: { subscriberOptions: (maxPending: number) => ({ maxPending }) } }
      : {
          deadLetter: {
            subscriberOptions: (target: string, { maxDeliveries }: { readonly maxDeliveries?: number }) => ({ deadLetter: target, maxDeliveries }),
            originHeader: "x-postline-dead-letter-from",
          },
        }),
    noResponders: kind === "channel" ? "NoRespondersError" : "RequestTimeoutError",
    settleDelayMs: 100,
    timeoutMs: 5_000,
    skip:
      kind === "list"
        ? {
            "consume > every subscriber without a group gets every message (fan-out)": why.queue,
          }
        : {},
  };
}

export const redisPubSubHarness = harness("channel");
export const redisListHarness = harness("list");
export const redisStreamHarness = harness("stream");

export function redisTelemetryHarness(kind: RedisKind): TelemetryHarness {
  return {
    system: "redis",
    middleware: (options) => new RedisTelemetryMiddleware(options),
    // Stream subscribers always have a group here (see above), reported on process spans.
    extraAttributes: (operation) => ({
      ...parseServerAttributes(REDIS_URL, 6379),
      ...(kind === "stream" && operation === "process" ? { "messaging.consumer.group.name": expect.any(String) } : {}),
    }),
    reportsConsumerGroup: kind === "stream",
  };
}

