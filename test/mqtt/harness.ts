import { randomUUID } from "node:crypto";
import { createConnection } from "node:net";
import type { Middleware } from "../../src/core/index.js";
import { MqttBroker, MqttRouter } from "../../src/mqtt/index.js";
import { MqttTelemetryMiddleware } from "../../src/mqtt/opentelemetry.js";
import type { BrokerHarness } from "../conformance/harness.js";
import type { TelemetryHarness } from "../conformance/telemetry-kit.js";

export const MQTT_HOST = process.env.POSTLINE_MQTT_HOST ?? "127.0.0.1";
export const MQTT_PORT = Number(process.env.POSTLINE_MQTT_PORT ?? 1883);
export const MQTT_URL = `mqtt://${MQTT_HOST}:${MQTT_PORT}`;

// An unreachable server fails the whole folder loudly: these tests never skip for want of a broker.
await new Promise<void>((resolve, reject) => {
  const socket = createConnection({ host: MQTT_HOST, port: MQTT_PORT });
  socket.setTimeout(2_000, () => socket.destroy(new Error("timed out")));
  socket.once("connect", () => {
    socket.end();
    resolve();
  });
  socket.once("error", (error) => reject(new Error(`The MQTT broker (Mosquitto) is not reachable at ${MQTT_URL}: ${error.message}`)));
});

// Topics are unique per run and per test: the server keeps retained messages and sessions between runs.
const run = randomUUID().slice(0, 8);

export const mqttHarness: BrokerHarness = {
  name: "mqtt",
  capabilities: new MqttBroker({ url: MQTT_URL }).runtime().transport.capabilities,
  createBroker: (options = {}) => new MqttBroker({ ...options, middlewares: options.middlewares as readonly Middleware<"mqtt">[] | undefined, url: MQTT_URL }),
  createRouter: (options) => new MqttRouter({ ...options, middlewares: options.middlewares as readonly Middleware<"mqtt">[] | undefined }),
  destination: (label) => `postline-test/${run}/${label}/${randomUUID().slice(0, 8)}`,
  // A shared-subscription group name is one topic level: the suites' unique names contain "/".
  subscriberOptions: ({ group }) => (group === undefined ? {} : { group: group.replaceAll("/", "_") }),
  slowConsumer: { subscriberOptions: (maxPending) => ({ maxPending }) },
  noResponders: "NoRespondersError",
  settleDelayMs: 100,
  timeoutMs: 5_000,
};

export const mqttTelemetryHarness: TelemetryHarness = {
  system: "mqtt",
  middleware: (options) => new MqttTelemetryMiddleware(options),
  extraAttributes: () => ({ "server.address": MQTT_HOST, "server.port": MQTT_PORT }),
  reportsConsumerGroup: true,
};
