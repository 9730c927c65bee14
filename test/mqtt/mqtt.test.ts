import { randomUUID } from "node:crypto";
import { context, propagation, trace } from "@opentelemetry/api";
import mqtt, { type IPublishPacket, type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigurationError, FeatureNotSupportedError, NotConnectedError, silentLogger, type Middleware, type PublishCommand } from "../../src/core/index.js";
import { MqttBroker, MqttConnectionError, MqttRouter, type MqttBrokerOptions } from "../../src/mqtt/index.js";
import { MQTTTelemetryMiddleware, MqttTelemetryMiddleware } from "../../src/mqtt/opentelemetry.js";
import { RecordingLogger } from "../conformance/harness.js";
import { TelemetryRecorder, named, parentOf, traceOf } from "../conformance/otel.js";
import { Collector, deferred, sleep, waitFor } from "../conformance/wait.js";
import { MQTT_HOST, MQTT_PORT, MQTT_URL } from "./harness.js";

const run = randomUUID().slice(0, 8);
const topic = (label: string): string => `postline-test/${run}/${label}/${randomUUID().slice(0, 8)}`;
const closing: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.allSettled(closing.splice(0).map((close) => close()));
});

function broker(options: MqttBrokerOptions = {}): MqttBroker {
  const created = new MqttBroker({ logger: silentLogger, ...options, url: MQTT_URL });
  closing.push(() => created.close());
  return created;
}

async function plainClient(): Promise<MqttClient> {
  const client = await mqtt.connectAsync(MQTT_URL, { protocolVersion: 5, clientId: `plain-${randomUUID().slice(0, 8)}` });
  closing.push(() => client.endAsync());
  return client;
}

function received(client: MqttClient): Collector<IPublishPacket> {
  const got = new Collector<IPublishPacket>(5_000);
  client.on("message", (_topic, _payload, packet) => got.push(packet));
  return got;
}

describe("mqtt: topics, QoS and MQTT 5 properties", () => {
  it("wildcard subscribers get the concrete topic as the destination; + is one level, # the rest", async () => {
    const b = broker();
    const base = topic("wild");
    const plus = new Collector<string>(5_000);
    const hash = new Collector<string>(5_000);
    b.subscriber(`${base}/+/temp`).handle((_body: unknown, ctx) => plus.push(ctx.message.destination));
    b.subscriber(`${base}/#`).handle((_body: unknown, ctx) => hash.push(ctx.message.destination));
    await b.start();
    await b.publish(1, `${base}/kitchen/temp`);
    await b.publish(2, `${base}/kitchen/humidity`);
    await b.publish(3, `${base}/a/b/temp`);
    expect(await hash.count(3)).toEqual([`${base}/kitchen/temp`, `${base}/kitchen/humidity`, `${base}/a/b/temp`]);
    expect(await plus.first()).toBe(`${base}/kitchen/temp`);
    await sleep(100);
    expect(plus.items).toHaveLength(1);
  });

  it("overlapping filters on one client each get the message once", async () => {
    const b = broker();
    const base = topic("overlap");
    const exact = new Collector<number>(5_000);
    const wide = new Collector<number>(5_000);
    b.subscriber(`${base}/x`).handle((n: number) => exact.push(n));
    b.subscriber(`${base}/+`).handle((n: number) => wide.push(n));
    await b.start();
    await b.publish(7, `${base}/x`);
    await Promise.all([exact.first(), wide.first()]);
    await sleep(100);
    expect([exact.items, wide.items]).toEqual([[7], [7]]);
  });

  it.each([0, 1, 2] as const)("QoS %i: published and delivered with that QoS", async (qos) => {
    const b = broker();
    const dest = topic(`qos${qos}`);
    const got = new Collector<{ body: unknown; qos: number }>(5_000);
    b.subscriber(dest, { qos: 2 }).handle((body: unknown, ctx) => got.push({ body, qos: (ctx.message.raw as IPublishPacket).qos }));
    await b.start();
    await b.publish({ n: qos }, dest, { qos });
    expect(await got.first()).toEqual({ body: { n: qos }, qos });
  });

  it("headers travel as user properties, the content type and correlation id as MQTT 5 properties", async () => {
    const b = broker();
    const plain = await plainClient();
    const dest = topic("props");
    const got = received(plain);
    await plain.subscribeAsync(dest, { qos: 1 });
    await b.connect();
    await b.publish({ a: 1 }, dest, { headers: { tenant: "acme" }, correlationId: "corr-7", messageId: "msg-7" });
    const packet = await got.first();
    expect(packet.properties?.userProperties).toMatchObject({ tenant: "acme", message_id: "msg-7" });
    expect(packet.properties?.contentType).toBe("application/json");
    expect(packet.properties?.correlationData?.toString()).toBe("corr-7");
    expect(JSON.parse(packet.payload.toString())).toEqual({ a: 1 });
  });

  it("a plain client's user properties, content type and correlation data reach the handler", async () => {
    const b = broker();
    const plain = await plainClient();
    const dest = topic("from-plain");
    const got = new Collector<{ body: unknown; headers: Record<string, string>; correlationId?: string }>(5_000);
    b.subscriber(dest).handle((body: unknown, ctx) => got.push({ body, headers: { ...ctx.headers }, correlationId: ctx.correlationId }));
    await b.start();
    await plain.publishAsync(dest, "hi", { qos: 1, properties: { userProperties: { region: "eu", multi: ["1", "2"] }, contentType: "text/plain", correlationData: Buffer.from("c-1") } });
    expect(await got.first()).toEqual({ body: "hi", headers: { region: "eu", multi: "2" }, correlationId: "c-1" });
  });

  it("request/reply uses the response topic and correlation data, so a plain MQTT 5 responder can answer", async () => {
    const b = broker();
    const plain = await plainClient();
    const dest = topic("rpc-plain");
    plain.on("message", (_topic, payload, packet) => {
      const { responseTopic, correlationData } = packet.properties ?? {};
      if (responseTopic === undefined) return;
      void plain.publishAsync(responseTopic, `${payload.toString()} back`, { qos: 1, properties: { correlationData, contentType: "text/plain" } });
    });
    await plain.subscribeAsync(dest, { qos: 1 });
    await b.start();
    const reply = await b.request<string>("ping", dest, { correlationId: "rpc-corr", timeoutMs: 5_000 });
    expect(reply.body).toBe("ping back");
    expect(reply.correlationId).toBe("rpc-corr");
  });

  it("a group is a shared subscription: a plain client on $share/<group>/<topic> competes with Postline", async () => {
    const b = broker();
    const plain = await plainClient();
    const dest = topic("share");
    const group = `g${run}`;
    const postline = new Collector<number>(5_000);
    const other = received(plain);
    b.subscriber(dest, { group }).handle((n: number) => postline.push(n));
    await plain.subscribeAsync(`$share/${group}/${dest}`, { qos: 1 });
    await b.start();
    for (let n = 0; n < 10; n += 1) await b.publish(n, dest);
    await waitFor(() => postline.items.length + other.items.length >= 10, 5_000, "10 messages");
    await sleep(100);
    expect(postline.items.length + other.items.length).toBe(10);
    expect(postline.items.length).toBeGreaterThan(0);
    expect(other.items.length).toBeGreaterThan(0);
  });

  it("a publish middleware chain unwinds broker → router → subscriber → publisher for a handler's result", async () => {
    const log: string[] = [];
    const tracer = (name: string): Middleware => ({
      async publish(command: PublishCommand, next) {
        if (!command.destination.endsWith("/out")) return next(command);
        log.push(`${name}>`);
        const outcome = await next(command);
        log.push(`<${name}`);
        return outcome;
      },
    });
    const b = broker({ middlewares: [tracer("broker")] });
    const prefix = `${topic("mw")}/`;
    const router = new MqttRouter({ prefix, middlewares: [tracer("router")] });
    const publisher = router.publisher("out", { middlewares: [tracer("publisher")] });
    router.subscriber("in", { middlewares: [tracer("subscriber")], publishers: [publisher] }).handle((text: string) => `${text}!`);
    b.include(router);
    const got = new Collector<string>(5_000);
    b.subscriber(`${prefix}out`).handle((text: string) => got.push(text));
    await b.start();
    await b.publish("result", `${prefix}in`);
    expect(await got.first()).toBe("result!");
    // The server delivers before it acknowledges the publish: wait for the chain to unwind.
    await waitFor(() => log.length === 8, 5_000, "the publish chain to unwind");
    expect(log).toEqual(["broker>", "router>", "subscriber>", "publisher>", "<publisher", "<subscriber", "<router", "<broker"]);
  });

  it("closing the requesting broker rejects its pending requests at once with NotConnectedError", async () => {
    const service = broker();
    const client = broker();
    const dest = topic("rpc-close");
    const release = deferred();
    service.subscriber(dest).handle(() => release.promise);
    await service.start();
    await client.start();
    const pending = client.request("x", dest, { timeoutMs: 10_000 });
    const outcome = expect(pending).rejects.toBeInstanceOf(NotConnectedError);
    await sleep(10);
    const started = Date.now();
    await client.close();
    await outcome;
    expect(Date.now() - started).toBeLessThan(1_000);
    release.resolve();
  });

  it("a nack cannot be honoured by MQTT: it is logged as a warning and not redelivered", async () => {
    const logger = new RecordingLogger();
    const b = broker({ logger });
    const dest = topic("nack");
    let calls = 0;
    b.subscriber(dest, { ackPolicy: "nack-on-error" }).handle(() => {
      calls += 1;
      throw new Error("fails");
    });
    await b.start();
    await b.publish("x", dest);
    await waitFor(() => logger.entries.some((entry) => entry.level === "warn" && entry.message.includes("cannot redeliver")), 5_000, "the warning");
    await sleep(100);
    expect(calls).toBe(1);
  });
});

describe("mqtt: maxPending", () => {
  it("maxPending must be a whole number above zero", () => {
    const b = broker();
    expect(() => b.subscriber(topic("bad"), { maxPending: 0 })).toThrow(ConfigurationError);
    expect(() => b.subscriber(topic("bad"), { maxPending: 1.5 })).toThrow(ConfigurationError);
  });
});

describe("mqtt: setup errors", () => {
  it("an unreachable server fails start() with MqttConnectionError naming the address", async () => {
    const b = new MqttBroker({ url: "mqtt://127.0.0.1:1", logger: silentLogger, connectTimeoutMs: 2_000 });
    const error = await b.start().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MqttConnectionError);
    expect((error as Error).message).toContain("mqtt://127.0.0.1:1");
    await b.close();
  });

  it("bad options throw ConfigurationError at construction and registration", () => {
    expect(() => new MqttBroker({ qos: 3 as 1 })).toThrow(ConfigurationError);
    expect(() => new MqttBroker({ protocolVersion: 3 as 4 })).toThrow(ConfigurationError);
    expect(() => new MqttBroker({ url: "not a url" })).toThrow(ConfigurationError);
    const b = new MqttBroker();
    expect(() => b.subscriber("a/#/b")).toThrow(ConfigurationError);
    expect(() => b.subscriber("a/b+")).toThrow(ConfigurationError);
    expect(() => b.subscriber("$share/g/a")).toThrow(ConfigurationError);
    expect(() => b.subscriber("a", { group: "x/y" })).toThrow(ConfigurationError);
    expect(() => new MqttRouter().subscriber("a", { qos: 5 as 1 })).toThrow(ConfigurationError);
    expect(b.subscribers()).toHaveLength(0);
  });

  it("publishing to a topic with wildcards rejects with ConfigurationError", async () => {
    const b = broker();
    await b.connect();
    await expect(b.publish("x", "a/+/b")).rejects.toBeInstanceOf(ConfigurationError);
    await expect(b.publish("x", "a/#")).rejects.toBeInstanceOf(ConfigurationError);
  });
});

describe("mqtt 3.1.1 (protocolVersion 4)", () => {
  const telemetry = (): MqttTelemetryMiddleware => new MqttTelemetryMiddleware({ tracerProvider: new TelemetryRecorder().tracerProvider });

  it("refuses a telemetry middleware on the broker, with a clear FeatureNotSupportedError", () => {
    const attempt = (): MqttBroker => new MqttBroker({ protocolVersion: 4, middlewares: [telemetry()] });
    expect(attempt).toThrow(FeatureNotSupportedError);
    expect(attempt).toThrow(/3\.1\.1.*user properties/);
    expect(() => new MqttBroker({ protocolVersion: 5, middlewares: [telemetry()] })).not.toThrow();
  });

  it("refuses a router that carries one, even nested, on a subscriber or added after inclusion", () => {
    const legacy = (): MqttBroker => new MqttBroker({ protocolVersion: 4 });
    expect(() => legacy().include(new MqttRouter({ middlewares: [telemetry()] }))).toThrow(FeatureNotSupportedError);
    const outer = new MqttRouter();
    outer.include(new MqttRouter({ middlewares: [telemetry()] }));
    expect(() => legacy().include(outer)).toThrow(FeatureNotSupportedError);
    const withSubscriber = new MqttRouter();
    withSubscriber.subscriber("a", { middlewares: [telemetry()] }).handle(() => undefined);
    expect(() => legacy().include(withSubscriber)).toThrow(FeatureNotSupportedError);
    const late = new MqttRouter();
    const b = legacy();
    b.include(late);
    expect(() => late.subscriber("a", { middlewares: [telemetry()] })).toThrow(FeatureNotSupportedError);
    expect(() => late.include(new MqttRouter({ middlewares: [telemetry()] }))).toThrow(FeatureNotSupportedError);
    expect(() => b.publisher("a", { middlewares: [telemetry()] })).toThrow(FeatureNotSupportedError);
    expect(() => new MqttBroker().include(new MqttRouter({ middlewares: [telemetry()] }))).not.toThrow();
  });

  it("FastStream's class name is an alias of the same middleware", () => {
    expect(MQTTTelemetryMiddleware).toBe(MqttTelemetryMiddleware);
  });

  it("carries bodies; headers and request/reply need MQTT 5", async () => {
    const b = broker({ protocolVersion: 4 });
    const dest = topic("v311");
    const got = new Collector<unknown>(5_000);
    b.subscriber(dest).handle((body: unknown) => got.push(body));
    await b.start();
    await b.publish({ plain: true }, dest);
    // No content type on 3.1.1: the body is read as JSON because it parses.
    expect(await got.first()).toEqual({ plain: true });
    await expect(b.publish("x", dest, { headers: { a: "1" } })).rejects.toBeInstanceOf(FeatureNotSupportedError);
    await expect(b.request("x", dest, { timeoutMs: 200 })).rejects.toBeInstanceOf(FeatureNotSupportedError);
  });
});

describe("mqtt telemetry with foreign producers", () => {
  it("a plain mqtt.js client's traceparent user property is continued", async () => {
    const otel = new TelemetryRecorder();
    const b = broker({ middlewares: [new MqttTelemetryMiddleware({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider })] });
    const plain = await plainClient();
    const dest = topic("foreign");
    const seen = new Collector<{ traceId: string | undefined; baggage: string | undefined }>(5_000);
    b.subscriber(dest).handle(() => {
      seen.push({ traceId: trace.getActiveSpan()?.spanContext().traceId, baggage: propagation.getBaggage(context.active())?.getEntry("tenant")?.value });
    });
    await b.start();
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const parentId = "00f067aa0ba902b7";
    await plain.publishAsync(dest, "x", { qos: 1, properties: { userProperties: { traceparent: `00-${traceId}-${parentId}-01`, baggage: "tenant=acme" } } });
    expect(await seen.first()).toEqual({ traceId, baggage: "acme" });
    const process = named(await otel.waitForSpans(1), `process ${dest}`);
    expect(traceOf(process)).toBe(traceId);
    expect(parentOf(process)).toBe(parentId);
    expect(process.attributes).toMatchObject({ "messaging.system.name": "mqtt", "server.address": MQTT_HOST, "server.port": MQTT_PORT });
  });

  it("a wildcard subscription reports its filter as the destination template and in the span name", async () => {
    const otel = new TelemetryRecorder();
    const b = broker({ middlewares: [new MqttTelemetryMiddleware({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider })] });
    const base = topic("template");
    const got = new Collector<unknown>(5_000);
    b.subscriber(`${base}/+/state`, { group: `t${run}` }).handle((body: unknown) => got.push(body));
    await b.start();
    await b.publish("on", `${base}/lamp/state`);
    await got.first();
    const spans = await otel.waitForSpans(2);
    const process = named(spans, `process ${base}/+/state`);
    expect(process.attributes).toMatchObject({
      "messaging.destination.name": `${base}/lamp/state`,
      "messaging.destination.template": `${base}/+/state`,
      "messaging.consumer.group.name": `t${run}`,
    });
    expect(named(spans, `send ${base}/lamp/state`)).toBeDefined();
  });
});
