// The MQTT suite (Mosquitto at 127.0.0.1:1883): the raw mqtt.js client, Postline untraced and Postline traced,
// one subscriber each, QoS 1 both ways (Postline's default), in one run.
import { randomUUID } from "node:crypto";
import mqtt from "mqtt";
import { silentLogger, type Middleware } from "../src/index.js";
import { MqttBroker } from "../src/mqtt/index.js";
import { MqttTelemetryMiddleware } from "../src/mqtt/opentelemetry.js";
import { handTracing } from "./hand-traced.js";
import type { Probe, Session, Suite, Variant } from "./harness.js";
import { bothRates, handTracedBound, handTracedComparisons, PAYLOAD_JSON, postlineSession, postlineVariants, standardComparisons, tracedShareTarget, type PostlineSpec } from "./variants.js";

const URL = process.env.POSTLINE_MQTT_URL ?? "mqtt://127.0.0.1:1883";
const PAYLOAD_BYTES = Buffer.from(PAYLOAD_JSON);
/** A fresh topic per session: nothing left over from an earlier run reaches the subscriber. */
const benchTopic = (): string => `postline-bench/${randomUUID()}`;

const raw: Variant = {
  name: "raw-mqtt",
  description: "mqtt.js 5, one connection: a QoS 1 subscription whose handler counts, QoS 1 publishes of pre-encoded JSON bytes with a content type",
  async setup(probe: Probe): Promise<Session> {
    const topic = benchTopic();
    const client = await mqtt.connectAsync(URL, { protocolVersion: 5, clientId: `bench-raw-${randomUUID().slice(0, 8)}` });
    client.on("message", () => probe.handled());
    await client.subscribeAsync(topic, { qos: 1 });
    const properties = { contentType: "application/json" };
    return {
      publish: async () => {
        await client.publishAsync(topic, PAYLOAD_BYTES, { qos: 1, properties });
      },
      teardown: async () => {
        await client.endAsync();
        return undefined;
      },
    };
  },
};

/** raw-mqtt with the OpenTelemetry calls written by hand: the least tracing mqtt.js can cost. */
const handTraced: Variant = {
  name: "raw-mqtt-traced",
  description: "raw-mqtt traced by hand (bench/hand-traced.ts): send span + W3C context in MQTT 5 user properties, process span, 2 duration records; same SDK set-up as postline-traced",
  async setup(probe: Probe): Promise<Session> {
    const topic = benchTopic();
    const tracing = handTracing("mqtt", topic);
    const client = await mqtt.connectAsync(URL, { protocolVersion: 5, clientId: `bench-hand-${randomUUID().slice(0, 8)}` });
    const handled = (): void => probe.handled();
    client.on("message", (_topic, _payload, packet) =>
      tracing.consume((key) => {
        const value = packet.properties?.userProperties?.[key];
        return Array.isArray(value) ? value[0] : value;
      }, handled),
    );
    await client.subscribeAsync(topic, { qos: 1 });
    return {
      publish: () => {
        const userProperties: Record<string, string> = {};
        return tracing.publish(
          (key, value) => (userProperties[key] = value),
          async () => {
            await client.publishAsync(topic, PAYLOAD_BYTES, { qos: 1, properties: { contentType: "application/json", userProperties } });
          },
        );
      },
      teardown: async () => {
        await client.endAsync();
        await tracing.otel.stop();
        return [tracing.otel.spansPerMessage(probe.count, 2)];
      },
    };
  },
};

const spec: PostlineSpec<Middleware<"mqtt">> = {
  session: (probe, middlewares) => postlineSession(new MqttBroker({ url: URL, logger: silentLogger, middlewares }), benchTopic(), probe),
  telemetry: (providers) => new MqttTelemetryMiddleware(providers),
};

const [untraced, traced] = postlineVariants(spec, {
  untraced: "MqttBroker (QoS 1), one subscriber, no middleware; no OpenTelemetry registered at all",
  traced: "MqttBroker + MqttTelemetryMiddleware (current semconv): BatchSpanProcessor and PeriodicExportingMetricReader to discarding exporters; AsyncLocalStorageContextManager",
});

export function mqttSuite(): Suite {
  return {
    name: "mqtt",
    title: "MQTT 5 (Mosquitto 2.0, QoS 1), one subscriber on the publishing connection",
    variants: [raw, untraced, traced, handTraced],
    comparisons: [...standardComparisons("raw-mqtt"), ...handTracedComparisons("raw-mqtt-traced", "raw-mqtt")],
    targets: [tracedShareTarget("raw-mqtt", "raw mqtt.js throughput", bothRates), handTracedBound("raw-mqtt-traced", "raw-mqtt")],
    // The server acknowledges a QoS 1 publish before the subscriber has the message: without a window the
    // publisher would run ahead and the run would measure a growing backlog.
    maxInFlight: 1_000,
    notes: [
      "Throughput: a publisher loop awaits each QoS 1 publish (its PUBACK); at most 1 000 messages published and not yet handled. Publisher and subscriber share one connection, as a Postline broker does.",
      "Latency: one message in flight; from just before publish() to the start of the handler (a round trip through Mosquitto).",
      "Postline's subscriber decodes the JSON body and runs the ack policy; mqtt.js acknowledges on receipt in every variant.",
    ],
  };
}
