import { randomUUID } from "node:crypto";
import type { IClientOptions, IClientPublishOptions, IPublishPacket, MqttClient } from "mqtt";
import {
  ConfigurationError,
  DeliveryQueue,
  DropReporter,
  FeatureNotSupportedError,
  NoRespondersError,
  NotConnectedError,
  type DeliveryHandler,
  type IncomingMessage,
  type Logger,
  type PublishCommand,
  type Settlement,
  type SubscriptionSpec,
  type Transport,
  type TransportCapabilities,
  type TransportSubscription,
} from "../core/index.js";
import { openClient } from "./client.js";
import { Routes, type Member } from "./routes.js";
import { toPublishOptions } from "./message.js";
import { hasWildcard, validateQos, validateSubscription, type MqttPublishOptions, type MqttQos, type MqttSubscribeOptions } from "./options.js";
import { serverOf, type MqttServer } from "./telemetry.js";

export interface MqttTransportSettings {
  readonly url: string;
  readonly protocolVersion: 4 | 5;
  readonly clientOptions: IClientOptions;
  readonly connectTimeoutMs: number;
  readonly reconnectPeriodMs: number;
  readonly qos: MqttQos;
  /** Filled in once the broker (and its logger) exists. */
  readonly log: { to?: Logger };
}

/** MQTT 5 PUBACK/PUBREC reason code: the server has no subscription matching the topic. */
const NO_MATCHING_SUBSCRIBERS = 16;

/**
 * Translates between core and mqtt.js. One connection per broker; each distinct topic filter is one server
 * subscription, tagged with an MQTT 5 subscription identifier so that overlapping filters route exactly.
 *
 * Settlement: mqtt.js sends the PUBACK (QoS 1) or PUBREC (QoS 2) when the message arrives, before the
 * handler runs. It reads the socket one packet at a time, so holding an acknowledgement back would stall the
 * whole connection (the PUBACKs of the handler's own publishes included); and MQTT forbids resending on a
 * live connection anyway. So ack, nack and reject are outcomes Postline records, not broker operations:
 * delivery is at-most-once once a message reached the client, and `capabilities.redelivery` is false.
 */
export class MqttTransport implements Transport<MqttSubscribeOptions, MqttPublishOptions, IPublishPacket> {
  readonly kind = "mqtt";
  readonly capabilities: TransportCapabilities;
  readonly server: MqttServer;
  readonly #settings: MqttTransportSettings;
  readonly #routes: Routes;
  readonly #noMatching = new Set<number>();
  #client: MqttClient | undefined;

  constructor(settings: MqttTransportSettings) {
    this.#settings = settings;
    this.server = serverOf(settings.url);
    this.#routes = new Routes(settings.protocolVersion);
    const v5 = settings.protocolVersion === 5;
    this.capabilities = { requestReply: v5 ? "inbox" : "none", batchPublish: true, batchConsume: false, consumerGroups: v5, redelivery: false };
  }

  async connect(): Promise<void> {
    const { url, clientOptions, connectTimeoutMs, reconnectPeriodMs } = this.#settings;
    const client = await openClient(url, clientOptions, connectTimeoutMs, reconnectPeriodMs);
    client.on("message", (_topic, _payload, packet) => this.#routes.deliver(packet));
    client.on("packetreceive", (packet) => {
      if ((packet.cmd === "puback" || packet.cmd === "pubrec") && packet.reasonCode === NO_MATCHING_SUBSCRIBERS && packet.messageId !== undefined) this.#noMatching.add(packet.messageId);
    });
    client.on("error", (error) => this.#settings.log.to?.error(`MQTT connection to ${url}: ${error.message}`, { error }));
    client.on("offline", () => this.#settings.log.to?.warn(`MQTT connection to ${url} lost; reconnecting`));
    this.#client = client;
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    this.#routes.clear();
    this.#noMatching.clear();
    if (client === undefined) return;
    // A graceful end waits for outgoing QoS 1/2 publishes to be acknowledged, which never happens while the
    // server is away: end at once then, and force the end after a grace period otherwise.
    if (!client.connected) {
      await client.endAsync(true);
      return;
    }
    const forced = setTimeout(() => void client.endAsync(true), 5_000);
    try {
      await client.endAsync();
    } finally {
      clearTimeout(forced);
    }
  }

  async subscribe(spec: SubscriptionSpec<MqttSubscribeOptions>, handler: DeliveryHandler<IPublishPacket>): Promise<TransportSubscription> {
    const client = this.#connected("subscribe");
    const { group, qos = 1 } = spec.options;
    validateSubscription(spec.destination, spec.options);
    if (group !== undefined && this.#settings.protocolVersion !== 5) throw new FeatureNotSupportedError(`subscriber "${spec.name}": shared subscriptions (group) need MQTT 5`);
    const filter = group === undefined ? spec.destination : `$share/${group}/${spec.destination}`;
    const subscribed = this.#routes.open(client, filter, spec.destination, group !== undefined, qos);
    try {
      await subscribed.ready;
    } catch (error) {
      if (subscribed.members.length === 0) this.#routes.forget(filter, subscribed);
      throw error;
    }
    const drops = new DropReporter(spec, spec.options.maxPending, "MQTT", (message, fields) => this.#settings.log.to?.warn(message, fields));
    // Nothing holds the server back: beyond maxPending waiting messages new ones are dropped and counted.
    const member: Member = new DeliveryQueue({
      concurrency: spec.concurrency,
      drops,
      deliver: (messages) => handler({ messages, settle: (settlement) => this.#settle(spec.name, messages[0]!, settlement) }),
    });
    subscribed.members.push(member);
    return {
      stop: async () => {
        const index = subscribed.members.indexOf(member);
        if (index >= 0) subscribed.members.splice(index, 1);
        if (subscribed.members.length === 0 && this.#routes.forget(filter, subscribed)) {
          await this.#client?.unsubscribeAsync(filter).catch(() => undefined);
        }
        // Every message already received is handed over (they were acknowledged on arrival).
        member.close();
        await member.handedOver();
        drops.close();
      },
    };
  }

  async publish(command: PublishCommand<MqttPublishOptions>): Promise<void> {
    const client = this.#connected("publish");
    const topic = command.destination;
    if (hasWildcard(topic) || topic.startsWith("$")) throw new ConfigurationError(`cannot publish to "${topic}": a topic name has no wildcards and does not start with "$"`);
    const options = command.options;
    validateQos(`publish to "${topic}"`, options.qos);
    const qos = options.qos ?? this.#settings.qos;
    const publishOptions = command.messages.map((message) => toPublishOptions(message, command.replyTo, options, qos, this.#settings.protocolVersion));
    // A batch is pipelined: MQTT has no batch frame, but the PUBLISH packets go out back to back, in order.
    await Promise.all(command.messages.map((message, index) => this.#send(client, command, message.body, publishOptions[index]!)));
  }

  #send(client: MqttClient, command: PublishCommand<MqttPublishOptions>, body: Uint8Array, publishOptions: IClientPublishOptions): Promise<void> {
    const topic = command.destination;
    // A copy: the caller may reuse its buffer once `publish` resolves, and mqtt.js keeps QoS 1/2 packets for resends.
    return new Promise<void>((resolve, reject) => {
      client.publish(topic, Buffer.from(body), publishOptions, (error, packet) => {
        if (error !== undefined && error !== null) return reject(error);
        const messageId = (packet as { messageId?: number } | undefined)?.messageId;
        const unmatched = messageId !== undefined && this.#noMatching.delete(messageId);
        // Only a request needs someone listening; a plain publish to nobody is normal in pub/sub.
        if (unmatched && command.kind === "request") reject(new NoRespondersError(topic));
        else resolve();
      });
    });
  }

  createInboxName(): string {
    return `postline/inbox/${randomUUID()}`;
  }

  async #settle(subscriber: string, message: IncomingMessage<IPublishPacket>, settlement: Settlement): Promise<void> {
    if (settlement.kind === "nack" && settlement.requeue) {
      this.#settings.log.to?.warn(`subscriber "${subscriber}": MQTT cannot redeliver a nacked message; it is dropped`, { destination: message.destination, correlationId: message.correlationId });
    }
  }

  #connected(operation: string): MqttClient {
    if (this.#client === undefined) throw new NotConnectedError(operation, "mqtt");
    return this.#client;
  }
}
