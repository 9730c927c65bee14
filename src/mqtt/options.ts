import type { IClientOptions } from "mqtt";
import { ConfigurationError, validateMaxPending, type BrokerOptions } from "../core/index.js";

export type MqttQos = 0 | 1 | 2;

interface MqttConnectionOptions {
  /** Server URL (default `mqtt://127.0.0.1:1883`); `mqtts://`, `ws://` and `wss://` work as in mqtt.js. */
  readonly url?: string;
  /** Default 10 s: how long `connect()` waits before it fails naming the server. */
  readonly connectTimeoutMs?: number;
  /** Default a random `postline-…` id. */
  readonly clientId?: string;
  readonly username?: string;
  readonly password?: string;
  /** Default QoS of publishes (default 1). */
  readonly qos?: MqttQos;
  /** Delay between reconnection attempts after the connection drops (default 1 s). */
  readonly reconnectPeriodMs?: number;
  /** Anything else mqtt.js accepts (TLS, will, keepalive, ...); the options above win. */
  readonly clientOptions?: Omit<IClientOptions, "protocolVersion" | "clientId" | "customHandleAcks">;
}

/**
 * `protocolVersion: 5` (default) carries headers as user properties, the content type, correlation data and
 * a response topic. `4` is MQTT 3.1.1: bodies only, so no headers, no request/reply and no telemetry
 * middleware (it has nowhere to put the trace context).
 */
export type MqttBrokerOptions = BrokerOptions<"mqtt"> & MqttConnectionOptions & { readonly protocolVersion?: 5 | 4 };

export interface MqttSubscribeOptions {
  /** Competing consumers: an MQTT 5 shared subscription `$share/<group>/<topic>`. */
  readonly group?: string;
  /** Maximum QoS the server delivers with (default 1). */
  readonly qos?: MqttQos;
  /**
   * Received messages that may wait for a free handler (default 65 536). Messages are acknowledged on
   * receipt (at most once), so the server is not slowed down: beyond this the subscriber is a slow consumer
   * and new messages are dropped, with a warning saying how many.
   */
  readonly maxPending?: number;
}

export interface MqttPublishOptions {
  readonly qos?: MqttQos;
  /** The server keeps the message as the topic's retained message. */
  readonly retain?: boolean;
  /** MQTT 5 message expiry interval, in seconds. */
  readonly messageExpirySeconds?: number;
}

const qosLevels: readonly unknown[] = [0, 1, 2];

export function validateQos(where: string, qos: unknown): void {
  if (qos !== undefined && !qosLevels.includes(qos)) throw new ConfigurationError(`${where}: qos must be 0, 1 or 2, got ${JSON.stringify(qos)}`);
}

export function validateBrokerOptions(options: MqttBrokerOptions): void {
  if (options.protocolVersion !== undefined && options.protocolVersion !== 5 && options.protocolVersion !== 4) {
    throw new ConfigurationError(`protocolVersion must be 5 (MQTT 5) or 4 (MQTT 3.1.1), got ${String(options.protocolVersion)}`);
  }
  if (options.url !== undefined && !URL.canParse(options.url)) throw new ConfigurationError(`url must be a URL such as mqtt://host:1883, got ${JSON.stringify(options.url)}`);
  for (const [name, value] of [["connectTimeoutMs", options.connectTimeoutMs], ["reconnectPeriodMs", options.reconnectPeriodMs]] as const) {
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) throw new ConfigurationError(`${name} must be a positive number of milliseconds, got ${String(value)}`);
  }
  validateQos("the MQTT broker", options.qos);
}

/** MQTT topic filter rules: `+` fills a whole level, `#` only as the last level; `$share/` is built from `group`. */
export function validateSubscription(filter: string, options: MqttSubscribeOptions): void {
  const where = `subscriber of "${filter}"`;
  validateQos(where, options.qos);
  validateMaxPending(where, options.maxPending);
  if (typeof filter === "string" && filter !== "") {
    const levels = filter.split("/");
    levels.forEach((level, index) => {
      if (level.includes("#") && (level !== "#" || index !== levels.length - 1)) throw new ConfigurationError(`${where}: "#" must be a whole level, and the last one`);
      if (level.includes("+") && level !== "+") throw new ConfigurationError(`${where}: "+" must be a whole level`);
    });
    if (filter.startsWith("$share/")) throw new ConfigurationError(`${where}: use the group option rather than writing $share/ into the topic`);
  }
  if (options.group !== undefined && (typeof options.group !== "string" || options.group === "" || /[/+#]/.test(options.group))) {
    throw new ConfigurationError(`${where}: group must be a non-empty name without "/", "+" or "#", got ${JSON.stringify(options.group)}`);
  }
}

export function hasWildcard(filter: string): boolean {
  return filter.includes("+") || filter.includes("#");
}

/** Whether a concrete topic matches a filter (used on MQTT 3.1.1, which has no subscription identifiers). */
export function topicMatches(filter: string, topic: string): boolean {
  const wanted = filter.split("/");
  const actual = topic.split("/");
  for (let index = 0; index < wanted.length; index += 1) {
    const level = wanted[index];
    if (level === "#") return !(index === 0 && topic.startsWith("$"));
    if (index >= actual.length) return false;
    if (level === "+") {
      if (index === 0 && topic.startsWith("$")) return false;
      continue;
    }
    if (level !== actual[index]) return false;
  }
  return wanted.length === actual.length;
}
