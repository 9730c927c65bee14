// `postline/mqtt`: MQTT 5 (and 3.1.1) over mqtt.js.
// Its public types mention Buffer, as the broker client's own types do: they need @types/node, even in a
// project whose tsconfig `types` leaves node out (the default from TypeScript 6 on).
/// <reference types="node" preserve="true" />
export { MqttBroker, MqttRouter } from "./broker.js";
export { MqttConnectionError } from "./errors.js";
export { MESSAGE_ID_PROPERTY } from "./message.js";
export type { MqttBrokerOptions, MqttPublishOptions, MqttQos, MqttSubscribeOptions } from "./options.js";
export { mqttTelemetry, type MqttServer } from "./telemetry.js";
