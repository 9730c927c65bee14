import type * as Mqtt from "mqtt";
import type { IClientOptions, MqttClient } from "mqtt";
import { loadPeer } from "../core/index.js";
import { MqttConnectionError } from "./errors.js";

// Loaded once, when `postline/mqtt` is imported: a missing client is a MissingPeerDependencyError at once.
const mqtt = await loadPeer<typeof Mqtt>("mqtt", "postline/mqtt");

/**
 * Opens a connection and waits for the CONNACK. The first attempt is not retried (an unreachable server
 * fails `start()` loudly, naming the address); once connected, mqtt.js reconnects and resubscribes on its own.
 */
export function openClient(url: string, options: IClientOptions, timeoutMs: number, reconnectPeriodMs: number): Promise<MqttClient> {
  const client = mqtt.connect(url, { ...options, reconnectPeriod: 0, connectTimeout: timeoutMs });
  return new Promise<MqttClient>((resolve, reject) => {
    const fail = (reason: string, cause?: unknown): void => {
      cleanup();
      client.end(true);
      reject(new MqttConnectionError(url, reason, { cause }));
    };
    const onConnect = (): void => {
      cleanup();
      client.options.reconnectPeriod = reconnectPeriodMs;
      resolve(client);
    };
    const onError = (error: Error): void => fail(error.message || (error as NodeJS.ErrnoException).code || "connection error", error);
    const onClose = (): void => fail("the connection closed before the server accepted it");
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      client.off("connect", onConnect);
      client.off("error", onError);
      client.off("close", onClose);
    };
    client.once("connect", onConnect);
    client.once("error", onError);
    client.once("close", onClose);
  });
}
