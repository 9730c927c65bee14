// `postline/mqtt/opentelemetry`: the telemetry middleware bound to the MQTT broker.
import { TelemetryMiddleware, type TelemetryOptions } from "../opentelemetry/index.js";
import { mqttTelemetry } from "./telemetry.js";

/**
 * Traces MQTT 5 brokers; the trace context travels in user properties. An MQTT 3.1.1 broker
 * (`protocolVersion: 4`) refuses it with FeatureNotSupportedError, as FastStream does.
 */
export class MqttTelemetryMiddleware extends TelemetryMiddleware<"mqtt"> {
  constructor(options: TelemetryOptions = {}) {
    super(mqttTelemetry, options);
  }
}

/** FastStream's name for the same class. */
export { MqttTelemetryMiddleware as MQTTTelemetryMiddleware };

export { currentBaggage, currentSpan, updateBaggage, withBaggage, type TelemetryOptions } from "../opentelemetry/index.js";
