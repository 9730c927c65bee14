// `postline/mqtt/opentelemetry`: the telemetry middleware bound to the MQTT broker.
import { TelemetryMiddleware, type TelemetryOptions } from "../opentelemetry/index.js";
import { bindServer, mqttTelemetry, type MqttServer, type ServerBindable } from "./telemetry.js";

/**
 * Traces MQTT 5 brokers; the trace context travels in user properties. An MQTT 3.1.1 broker
 * (`protocolVersion: 4`) refuses it with FeatureNotSupportedError, as FastStream does.
 */
export class MqttTelemetryMiddleware extends TelemetryMiddleware<"mqtt"> implements ServerBindable {
  readonly #server: { current?: MqttServer };

  constructor(options: TelemetryOptions = {}) {
    const server: { current?: MqttServer } = {};
    super(mqttTelemetry(() => server.current), options);
    this.#server = server;
  }

  /** The first broker that accepts this middleware names the server (one middleware per broker is the norm). */
  [bindServer](server: MqttServer): void {
    this.#server.current ??= server;
  }
}

/** FastStream's name for the same class. */
export { MqttTelemetryMiddleware as MQTTTelemetryMiddleware };

export { currentBaggage, currentSpan, updateBaggage, withBaggage, type TelemetryOptions } from "../opentelemetry/index.js";
