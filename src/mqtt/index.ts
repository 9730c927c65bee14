// `postline/mqtt`: MQTT 5 (and 3.1.1) over mqtt.js.
export { MqttBroker, MqttRouter } from "./broker.js";
export { MqttConnectionError } from "./errors.js";
export { MESSAGE_ID_PROPERTY } from "./message.js";
export type { MqttBrokerOptions, MqttPublishOptions, MqttQos, MqttSubscribeOptions } from "./options.js";
export { mqttTelemetry, type MqttServer } from "./telemetry.js";
