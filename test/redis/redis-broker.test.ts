import { SpanKind } from "@opentelemetry/api";
import { afterAll, describe, expect, onTestFinished, test } from "vitest";
import { ConfigurationError, RejectMessage, silentLogger, type MessageContext } from "../../src/core/index.js";
import { RedisBroker, RedisConnectionError, decodeEnvelope, encodeEnvelope, type RedisBrokerOptions } from "../../src/redis/index.js";
import { RedisTelemetryMiddleware } from "../../src/redis/opentelemetry.js";
import { TelemetryRecorder, named, parentOf, traceOf } from "../conformance/otel.js";
import { Collector, sleep } from "../conformance/wait.js";
import { REDIS_URL, cleanupRedis, plainClient, uniqueName } from "./harness.js";

afterAll(cleanupRedis);

function broker(options: RedisBrokerOptions = {}): RedisBroker {
  const created = new RedisBroker({ url: REDIS_URL, ...options });
  onTestFinished(() => created.close());
  return created;
}

async function client() {
  const redis = plainClient();
  await redis.connect();
  onTestFinished(() => void redis.quit());
  return redis;
}

interface Seen {
  readonly body: unknown;
  readonly context: MessageContext;
}

/**
 * An envelope built byte by byte the way FastStream's `BinaryMessageFormatV1.encode` does
 * (faststream/redis/parser/binary.py): magic, version 1 (u16), headers offset and data offset (u32), header
 * count (u16), then length-prefixed (u16) key/value strings, then the data. Its headers come from
 * `MessageFormat.build`: correlation_id, content-type, reply_to, then the user's headers.
 */
function faststreamBinary(data: Buffer, headers: Record<string, string>): Buffer {
  const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
  const u32 = (n: number) => Buffer.from([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
  const headerBytes = Buffer.concat(Object.entries(headers).flatMap(([key, value]) => [u16(key.length), Buffer.from(key), u16(value.length), Buffer.from(value)]));
  const magic = Buffer.from("\x89BIN\x0d\x0a\x1a\x0a", "latin1");
  const headersStart = magic.length + 2 + 8;
  const dataStart = 2 + headersStart + headerBytes.length;
  return Buffer.concat([magic, u16(1), u32(headersStart), u32(dataStart), u16(Object.keys(headers).length), headerBytes, data]);
}

/** FastStream's legacy `JSONMessageFormat`: `json.dumps({"data": payload.decode(), "headers": headers})`. */
function faststreamJson(data: string, headers: Record<string, string>): Buffer {
  return Buffer.from(`{"data": ${JSON.stringify(data)}, "headers": ${JSON.stringify(headers).replaceAll('":"', '": "').replaceAll('","', '", "')}}`);
}

describe("FastStream's Redis envelope", () => {
  test("a binary envelope written the way FastStream writes it is read: body, headers, ids, reply address", async () => {
    const channel = uniqueName("fs-binary");
    const service = broker();
    const got = new Collector<Seen>(5_000);
    service.subscriber(channel).handle((body: unknown, context) => got.push({ body, context }));
    await service.start();
    const headers = { correlation_id: "corr-fs-1", "content-type": "application/json", reply_to: "reply-channel", tenant: "acme", traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" };
    await (await client()).publish(channel, faststreamBinary(Buffer.from('{"order": 7}'), headers));
    const { body, context } = await got.first();
    expect(body).toEqual({ order: 7 });
    expect(context.correlationId).toBe("corr-fs-1");
    expect(context.message.contentType).toBe("application/json");
    expect(context.message.replyTo).toBe("reply-channel");
    expect(context.headers).toEqual({ tenant: "acme", traceparent: headers.traceparent });
  });

  test("the legacy JSON envelope and a raw payload without any envelope are read too", async () => {
    const channel = uniqueName("fs-json");
    const service = broker();
    const got = new Collector<Seen>(5_000);
    service.subscriber(channel).handle((body: unknown, context) => got.push({ body, context }));
    await service.start();
    const redis = await client();
    await redis.publish(channel, faststreamJson("hello", { correlation_id: "corr-json", "content-type": "text/plain", tenant: "acme" }));
    await redis.publish(channel, '{"plain": true}');
    const [legacy, raw] = await got.count(2);
    expect(legacy?.body).toBe("hello");
    expect(legacy?.context.correlationId).toBe("corr-json");
    expect(legacy?.context.headers).toEqual({ tenant: "acme" });
    expect(raw?.body).toEqual({ plain: true });
    expect(raw?.context.headers).toEqual({});
  });

  test("what Postline writes is FastStream's binary format, byte for byte, with message_id added", () => {
    const headers = { correlation_id: "c-1", "content-type": "text/plain", message_id: "m-1" };
    const written = encodeEnvelope("binary", { body: Buffer.from("hi"), headers });
    expect(written.equals(faststreamBinary(Buffer.from("hi"), headers))).toBe(true);
    expect(decodeEnvelope(written)).toEqual({ body: Buffer.from("hi"), headers });
    // Non-ASCII values: lengths in bytes, so the value survives the round trip.
    const unicode = encodeEnvelope("binary", { body: Buffer.from([0, 255]), headers: { name: "héllo" } });
    expect(decodeEnvelope(unicode)).toEqual({ body: Buffer.from([0, 255]), headers: { name: "héllo" } });
  });

  test("messageFormat json writes the legacy envelope that FastStream 0.5 reads", async () => {
    const list = uniqueName("fs-json-out");
    const producer = broker({ messageFormat: "json", defaultPublishKind: "list" });
    await producer.connect();
    await producer.publish("text body", list, { correlationId: "c-json", headers: { tenant: "acme" } });
    const stored = await (await client()).lpopBuffer(list);
    const parsed = JSON.parse(stored!.toString()) as { data: string; headers: Record<string, string> };
    expect(parsed.data).toBe("text body");
    expect(parsed.headers).toMatchObject({ correlation_id: "c-json", "content-type": "text/plain", tenant: "acme" });
  });

  test("stream entries carry the envelope in FastStream's __data__ field; other entries arrive as JSON of their fields", async () => {
    const stream = uniqueName("fs-stream");
    const service = broker({ defaultPublishKind: "stream" });
    const got = new Collector<Seen>(5_000);
    service.subscriber(stream, { kind: "stream", group: uniqueName("g") }).handle((body: unknown, context) => got.push({ body, context }));
    await service.start();
    await service.publish({ n: 1 }, stream);
    const redis = await client();
    await redis.xadd(stream, "*", "sensor", "t1", "value", "21.5");
    const [own, foreign] = await got.count(2);
    expect(own?.body).toEqual({ n: 1 });
    expect(foreign?.body).toEqual({ sensor: "t1", value: "21.5" });
    const entries = await redis.xrange(stream, "-", "+");
    expect(entries[0]?.[1][0]).toBe("__data__");
  });
});

describe("pub/sub", () => {
  test("a pattern subscription gets messages of every matching channel, with the concrete channel and the pattern as template", async () => {
    const base = uniqueName("pattern");
    const otel = new TelemetryRecorder();
    const service = broker({ middlewares: [new RedisTelemetryMiddleware({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider })] });
    const got = new Collector<Seen>(5_000);
    service.subscriber(`${base}.*`, { pattern: true }).handle((body: unknown, context) => got.push({ body, context }));
    await service.start();
    await service.publish("created", `${base}.created`);
    await service.publish("deleted", `${base}.deleted`);
    await service.publish("elsewhere", `${base}-other`);
    const items = await got.count(2);
    expect(items.map((item) => [item.body, item.context.message.destination])).toEqual([["created", `${base}.created`], ["deleted", `${base}.deleted`]]);
    const processes = (await otel.waitForSpans(5)).filter((span) => span.name === `process ${base}.*`);
    expect(processes.map((span) => span.attributes["messaging.destination.template"])).toEqual([`${base}.*`, `${base}.*`]);
    expect(processes.map((span) => span.attributes["messaging.destination.name"])).toEqual([`${base}.created`, `${base}.deleted`]);
    await sleep(100);
    expect(got.items).toHaveLength(2);
  });

  test("a message published by a plain client with a traceparent header is continued in that trace", async () => {
    const channel = uniqueName("foreign-trace");
    const otel = new TelemetryRecorder();
    const service = broker({ middlewares: [new RedisTelemetryMiddleware({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider })] });
    const got = new Collector<Seen>(5_000);
    service.subscriber(channel).handle((body: unknown, context) => got.push({ body, context }));
    await service.start();
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    const parentId = "b7ad6b7169203331";
    await (await client()).publish(channel, faststreamBinary(Buffer.from("x"), { correlation_id: "c", traceparent: `00-${traceId}-${parentId}-01` }));
    await got.first();
    const process = named(await otel.waitForSpans(1), `process ${channel}`);
    expect(process.kind).toBe(SpanKind.CONSUMER);
    expect(traceOf(process)).toBe(traceId);
    expect(parentOf(process)).toBe(parentId);
  });
});

describe("pub/sub options", () => {
  test("maxPending is a pub/sub option, a whole number above zero", () => {
    const b = broker({ logger: silentLogger });
    for (const options of [{ maxPending: 0 }, { maxPending: 2.5 }, { kind: "list", maxPending: 10 }] as const) {
      expect(() => b.subscriber(uniqueName("bad"), options as Record<string, unknown>), JSON.stringify(options)).toThrow(ConfigurationError);
    }
  });
});

describe("streams with groups", () => {
  test("an entry a crashed consumer left pending is claimed by another after minIdleMs (XAUTOCLAIM)", async () => {
    const stream = uniqueName("claim");
    const group = uniqueName("workers");
    const crashed = broker({ defaultPublishKind: "stream" });
    const taken = new Collector<string>(5_000);
    // Manual acks and a handler that never acks: as if the process died while handling.
    crashed.subscriber(stream, { kind: "stream", group, consumer: "a", ackPolicy: "manual" }).handle((body: string) => taken.push(body));
    await crashed.start();
    await crashed.publish("job-1", stream);
    expect(await taken.first()).toBe("job-1");
    await crashed.close();

    const rescuer = broker();
    const rescued = new Collector<{ body: string; deliveries: number }>(5_000);
    rescuer.subscriber(stream, { kind: "stream", group, consumer: "b", claim: { minIdleMs: 200, intervalMs: 50 } }).handle((body: string, context) => {
      rescued.push({ body, deliveries: context.message.deliveryCount });
    });
    const started = Date.now();
    await rescuer.start();
    expect(await rescued.first()).toEqual({ body: "job-1", deliveries: 2 });
    expect(Date.now() - started).toBeLessThan(2_000);
    await sleep(100);
    const redis = await client();
    expect(await redis.xpending(stream, group)).toEqual([0, null, null, null]);
  });

  test("a consumer restarted under the same name first takes back its own pending entries", async () => {
    const stream = uniqueName("restart");
    const group = uniqueName("workers");
    const first = broker({ defaultPublishKind: "stream" });
    const seen = new Collector<string>(5_000);
    first.subscriber(stream, { kind: "stream", group, consumer: "fixed", ackPolicy: "manual" }).handle((body: string) => seen.push(body));
    await first.start();
    await first.publish("unfinished", stream);
    await seen.first();
    await first.close();
    const second = broker();
    const again = new Collector<number>(5_000);
    second.subscriber(stream, { kind: "stream", group, consumer: "fixed" }).handle((_body: string, context) => again.push(context.message.deliveryCount));
    await second.start();
    expect(await again.first()).toBe(2);
  });

  test("without a group every subscriber reads every entry added after it subscribed (XREAD)", async () => {
    const stream = uniqueName("xread");
    const service = broker({ defaultPublishKind: "stream" });
    await service.connect();
    await service.publish("before", stream);
    const a = new Collector<string>(5_000);
    const b = new Collector<string>(5_000);
    service.subscriber(stream, { kind: "stream" }).handle((body: string) => a.push(body));
    service.subscriber(stream, { kind: "stream" }).handle((body: string) => b.push(body));
    await service.start();
    await service.publish("after-1", stream);
    await service.publish("after-2", stream);
    expect(await a.count(2)).toEqual(["after-1", "after-2"]);
    expect(await b.count(2)).toEqual(["after-1", "after-2"]);
  });

  test("a rejected entry is dead-lettered and acknowledged in one transaction", async () => {
    const stream = uniqueName("dlq-src");
    const dead = uniqueName("dlq");
    const group = uniqueName("g");
    const service = broker({ defaultPublishKind: "stream", logger: silentLogger });
    const rejected = new Collector<true>(5_000);
    service.subscriber(stream, { kind: "stream", group, deadLetter: dead }).handle(() => {
      rejected.push(true);
      throw new RejectMessage();
    });
    await service.start();
    await service.publish("poison", stream);
    await rejected.first();
    await sleep(100);
    const redis = await client();
    const [entry] = await redis.xrangeBuffer(dead, "-", "+");
    const { body, headers } = decodeEnvelope(entry![1][1]!);
    expect(body.toString()).toBe("poison");
    expect(headers["x-postline-dead-letter-from"]).toBe(stream);
    expect(await redis.xpending(stream, group)).toEqual([0, null, null, null]);
  });
});

describe("lists", () => {
  test("a batch subscriber pops up to maxSize messages at once, and a nacked batch goes back to the head in order", async () => {
    const list = uniqueName("list-batch");
    const service = broker({ defaultPublishKind: "list", logger: silentLogger });
    const batches = new Collector<string[]>(5_000);
    service.subscriber(list, { kind: "list", batch: { maxSize: 3, maxWaitMs: 200 }, ackPolicy: "nack-on-error" }).handle((bodies: string[], context) => {
      batches.push(bodies);
      if (context.message.deliveryCount === 1) throw new Error("first attempt fails");
    });
    await service.connect();
    await service.publishBatch(["a", "b", "c", "d"], list);
    await service.start();
    const [first, second] = await batches.count(2);
    expect(first).toEqual(["a", "b", "c"]);
    expect(second).toEqual(["a", "b", "c"]);
    expect((await batches.count(3))[2]).toEqual(["d"]);
  });
});

describe("configuration and connection", () => {
  test("options of another kind, or impossible combinations, throw ConfigurationError at registration", () => {
    const service = broker();
    const dest = uniqueName("bad");
    expect(() => service.subscriber(dest, { group: "g" } as never)).toThrow(ConfigurationError);
    expect(() => service.subscriber(dest, { kind: "list", pattern: true } as never)).toThrow(ConfigurationError);
    expect(() => service.subscriber(dest, { kind: "stream", claim: { minIdleMs: 100 } })).toThrow(/claim needs a group/);
    expect(() => service.subscriber(dest, { kind: "stream", group: "g", claim: { minIdleMs: 0 } })).toThrow(ConfigurationError);
    expect(() => service.subscriber(dest, { batch: true })).toThrow(/pub\/sub cannot consume batches/);
    expect(() => service.subscriber(dest, { kind: "queue" } as never)).toThrow(ConfigurationError);
    expect(service.subscribers()).toHaveLength(0);
    expect(() => new RedisBroker({ url: "http://localhost:6379" })).toThrow(ConfigurationError);
    expect(() => new RedisBroker({ messageFormat: "xml" as never })).toThrow(ConfigurationError);
    expect(() => new RedisBroker({ defaultPublishKind: "queue" as never })).toThrow(ConfigurationError);
  });

  test("an unreachable server fails start() at once, naming the broker and the address", async () => {
    const service = broker({ url: "redis://127.0.0.1:1" });
    const started = Date.now();
    const error = await service.start().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RedisConnectionError);
    expect((error as Error).message).toMatch(/Redis server at 127\.0\.0\.1:1/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
